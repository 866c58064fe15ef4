import type { HttpContext } from '@adonisjs/core/http'
import { memberCan } from '#abilities/main'
import { drillFilters, drillHref, sendCsv } from '#services/insights_pages/drill'
import { PER_PERSON_HIDDEN, perPersonRefusal } from '#services/insights_pages/per_person'
import {
  DEPLOYMENTS,
  ISSUES,
  VULNERABILITIES,
  type DrillList,
} from '#services/insights_pages/drill_lists'
import {
  COMMITS,
  CONTRIBUTORS,
  DEPLOYED_CHANGES,
  FIRST_REVIEWS,
} from '#services/insights_pages/kpi_drill_lists'

/**
 * The rows behind the KPIs that are not merged pull requests. One URL,
 * three renderings: the page, the list alone for htmx (the middleware
 * sets Vary: HX-Request), or CSV with ?format=csv.
 */
export default class DrillController {
  deployments(ctx: HttpContext) {
    return this.render(ctx, DEPLOYMENTS)
  }

  vulnerabilities(ctx: HttpContext) {
    return this.render(ctx, VULNERABILITIES)
  }

  issues(ctx: HttpContext) {
    return this.render(ctx, ISSUES)
  }

  firstReviews(ctx: HttpContext) {
    return this.render(ctx, FIRST_REVIEWS)
  }

  deployedChanges(ctx: HttpContext) {
    return this.render(ctx, DEPLOYED_CHANGES)
  }

  commits(ctx: HttpContext) {
    return this.render(ctx, COMMITS)
  }

  contributors(ctx: HttpContext) {
    return this.render(ctx, CONTRIBUTORS)
  }

  private async render<Row>(ctx: HttpContext, definition: DrillList<Row>) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    const { list, filterError, csv } = await drillFilters(definition.validator, ctx.request.qs())
    const organizationId = ctx.organization!.id
    // a list of people with their figures is shown only when the organisation allows it
    const peopleHidden = definition.perPerson === true && !ctx.organization!.perPersonFigures
    if (csv && peopleHidden) throw perPersonRefusal()
    if (csv && !filterError) {
      const rows = await definition.all(organizationId, list)
      const name = definition.title.toLowerCase()
      return sendCsv(ctx, name, list, definition.csvColumns, rows.map(definition.csv))
    }
    if (filterError) ctx.response.status(422)
    const [result, summary] = await Promise.all([
      definition.page(organizationId, list),
      definition.summary ? definition.summary(organizationId, list) : null,
    ])
    const data = {
      summary,
      definition,
      list,
      filterError,
      result: { ...result, rows: peopleHidden ? [] : result.rows.map(definition.cells) },
      peopleHidden: peopleHidden ? PER_PERSON_HIDDEN : null,
      href: drillHref(definition.path, list),
    }
    return ctx.view.render(
      ctx.htmx.wantsPartial ? 'partials/insights/drill_list' : 'pages/insights/drill',
      data
    )
  }
}

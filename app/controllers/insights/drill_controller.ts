import type { HttpContext } from '@adonisjs/core/http'
import { memberCan } from '#abilities/main'
import { drillFilters, drillHref, sendCsv } from '#services/insights_pages/drill'
import {
  DEPLOYMENTS,
  ISSUES,
  VULNERABILITIES,
  type DrillList,
} from '#services/insights_pages/drill_lists'

/**
 * The rows behind the deployment, issue and vulnerability KPIs. One URL,
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

  private async render<Row>(ctx: HttpContext, definition: DrillList<Row>) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    const { list, filterError, csv } = await drillFilters(definition.validator, ctx.request.qs())
    const organizationId = ctx.organization!.id
    if (csv && !filterError) {
      const rows = await definition.all(organizationId, list)
      const name = definition.title.toLowerCase()
      return sendCsv(ctx, name, list, definition.csvColumns, rows.map(definition.csv))
    }
    if (filterError) ctx.response.status(422)
    const result = await definition.page(organizationId, list)
    const data = {
      definition,
      list,
      filterError,
      result: { ...result, rows: result.rows.map(definition.cells) },
      href: drillHref(definition.path, list),
    }
    return ctx.view.render(
      ctx.htmx.wantsPartial ? 'partials/insights/drill_list' : 'pages/insights/drill',
      data
    )
  }
}

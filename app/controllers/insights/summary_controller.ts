import type { HttpContext } from '@adonisjs/core/http'
import { memberCan } from '#abilities/main'
import { organizationNow, resolveFilters } from '#services/insights_pages/date_range'
import { executiveSummary } from '#services/insights_pages/executive_summary'
import { respondWithDashboard } from '#services/insights_pages/respond'
import { latestFindings } from '#queries/insight_findings'

/**
 * The Executive Summary: the organisation's KPIs against the previous
 * period, its score, top risks, and the charts behind them.
 */
export default class SummaryController {
  async show(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    const filters = await resolveFilters(ctx.request.qs(), organizationNow(ctx.organization!))
    const summary = await executiveSummary(ctx.organization!.id, filters.range)
    return respondWithDashboard(ctx, {
      path: '/insights',
      page: 'pages/insights/summary',
      partial: 'partials/insights/summary_body',
      filters,
      tables: summary.tables,
      fileName: 'executive-summary',
      data: { summary, whatChanged: await latestFindings(ctx.organization!.id, filters.range) },
    })
  }
}

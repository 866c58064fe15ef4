import type { HttpContext } from '@adonisjs/core/http'
import { memberCan } from '#abilities/main'
import { organizationNow, resolveFilters } from '#services/insights_pages/date_range'
import { executiveSummary } from '#services/insights_pages/executive_summary'
import { respondWithDashboard } from '#services/insights_pages/respond'
import { pageViewModel } from '#services/insights/cache'
import { selectedTeam, teamLens, teamOptions } from '#services/insights_pages/team_lens'
import { narrativeFailures, whatChanged } from '#queries/insight_findings'
import { agreementStrip } from '#queries/working_agreements'

/**
 * The Executive Summary: the organisation's KPIs against the previous
 * period, its score, top risks, and the charts behind them; with
 * `?team=` the team lens (the KPIs of the team's people).
 */
export default class SummaryController {
  async show(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    const organizationId = ctx.organization!.id
    const filters = await resolveFilters(ctx.request.qs(), organizationNow(ctx.organization!))
    const team = await selectedTeam(organizationId, ctx.request.qs().team)
    const teams = await teamOptions(organizationId)
    if (team) {
      const lens = await teamLens(organizationId, team, filters.range)
      return respondWithDashboard(ctx, {
        path: '/insights',
        page: 'pages/insights/summary',
        partial: 'partials/insights/team_body',
        filters,
        tables: lens.tables,
        fileName: `executive-summary-${team.name}`,
        data: { lens, teams, agreements: await agreementStrip(organizationId, team.id) },
        keep: { team: team.publicId },
      })
    }
    // the summary and what changed, from this process's memory while the
    // organisation's insights generation stands (the teams and agreements
    // below are read on each request: their edits move no generation)
    const { summary, changed } = await pageViewModel(
      ctx.organization!,
      'executive-summary',
      { from: filters.range.from, to: filters.range.to },
      async () => ({
        summary: await executiveSummary(organizationId, filters.range),
        changed: await whatChanged(organizationId, filters.range),
      })
    )
    return respondWithDashboard(ctx, {
      path: '/insights',
      page: 'pages/insights/summary',
      partial: 'partials/insights/summary_body',
      filters,
      tables: summary.tables,
      fileName: 'executive-summary',
      data: {
        summary,
        teams,
        lens: null,
        whatChanged: changed,
        narrativeFailures: narrativeFailures(changed),
        agreements: await agreementStrip(organizationId, null),
      },
    })
  }
}

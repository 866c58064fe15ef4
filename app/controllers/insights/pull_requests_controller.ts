import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import { memberCan } from '#abilities/main'
import { filtersOrDefault } from '#services/list_filters'
import { pullRequestListValidator } from '#validators/drill_down'
import { DEFAULT_PRESET, presetRange } from '#services/insights_pages/date_range'
import { csvFileName, toCsv } from '#services/insights_pages/csv'
import { withoutBlanks } from '#services/insights_pages/drill'
import {
  allMergedPullRequests,
  listMergedPullRequests,
  type PullRequestListFilters,
} from '#queries/merged_pull_requests'
import { teamChoices } from '#queries/teams'
import {
  PER_PERSON_HIDDEN,
  narrowsToPerson,
  perPersonRefusal,
} from '#services/insights_pages/per_person'

const CSV_COLUMNS = [
  'Repository',
  'Number',
  'Title',
  'Author',
  'Provider',
  'Merged (UTC)',
  'Size (lines)',
  'Coding (h)',
  'Pickup (h)',
  'Review (h)',
  'Deploy (h)',
  'Cycle (h)',
  'URL',
]

/**
 * The merged pull requests behind a KPI ("Merged PRs / week", a cycle
 * time, a repository row). One URL: the page, the list alone for htmx
 * (the middleware sets Vary: HX-Request), or CSV with ?format=csv.
 */
export default class PullRequestsController {
  async index(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    const showsPeople = ctx.organization!.perPersonFigures
    // one person's pull requests are a per-person figure: the filter is refused while hidden
    const personRefused = !showsPeople && narrowsToPerson(ctx.request.qs())
    if (personRefused && ctx.request.qs().format === 'csv') throw perPersonRefusal()
    const { person, author, ...everyone } = ctx.request.qs()
    const query = personRefused ? everyone : ctx.request.qs()
    let { filters, filterError } = await filtersOrDefault(
      pullRequestListValidator,
      withoutBlanks(query)
    )
    if (personRefused) filterError = `${PER_PERSON_HIDDEN} Showing everyone’s pull requests.`
    const fallback = presetRange(DEFAULT_PRESET, DateTime.utc())
    if (!filterError && filters.from && filters.to && filters.from > filters.to) {
      filterError = 'The start day must come before the end day: showing the whole list instead.'
      filters = {}
    }
    const list: PullRequestListFilters = {
      ...filters,
      from: filters.from ?? fallback.from,
      to: filters.to ?? fallback.to,
    }
    const organizationId = ctx.organization!.id
    if (filters.format === 'csv' && !filterError) {
      const rows = await allMergedPullRequests(organizationId, list)
      ctx.response.header('Content-Type', 'text/csv; charset=utf-8')
      ctx.response.header(
        'Content-Disposition',
        `attachment; filename="${csvFileName('merged-pull-requests', list.from, list.to)}"`
      )
      ctx.response.header('Cache-Control', 'private, no-store')
      return toCsv(
        CSV_COLUMNS,
        rows.map((row) => [
          row.repository,
          row.number,
          row.title,
          row.author,
          row.provider,
          row.mergedAt.toISOString(),
          row.size,
          row.codingHours,
          row.pickupHours,
          row.reviewHours,
          row.deployHours,
          row.cycleHours,
          row.url,
        ])
      )
    }
    if (filterError) ctx.response.status(422)
    const [result, teams] = await Promise.all([
      listMergedPullRequests(organizationId, list),
      teamChoices(organizationId),
    ])
    const keep = (extra: Record<string, string | number | undefined>) => {
      const params = new URLSearchParams()
      for (const [key, value] of Object.entries({ ...list, page: undefined, ...extra })) {
        if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
      }
      return `/insights/pull-requests?${params.toString()}`
    }
    const data = { result, list, filterError, href: keep, teams, showsPeople }
    return ctx.view.render(
      ctx.htmx.wantsPartial
        ? 'partials/insights/pull_request_list'
        : 'pages/insights/pull_requests',
      data
    )
  }
}

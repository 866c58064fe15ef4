import db from '@adonisjs/lucid/services/db'
import { Exception } from '@adonisjs/core/exceptions'
import { teamTrend } from '#queries/team_metrics'
import { teamChoices } from '#queries/teams'
import { publicIds } from '#services/public_id'
import type { DateRange } from '#services/insights_pages/date_range'
import { EXECUTIVE_KPIS, kpiCards, type KpiCard } from '#services/insights_pages/kpis'
import {
  cycleSplitFigure,
  cycleTimeTrendFigure,
  kpiTable,
  listHref,
  type ChartDrill,
} from '#services/insights_pages/sections'
import { drillQuery, type PageTable } from '#services/insights_pages/tables'

/**
 * The team lens of the Executive Summary and of Product Detail
 * (`?team=<public id>`): the KPIs that belong to people, for the pull
 * requests and commits of the team's people (within the product's
 * repositories on a product's page), each card opening the list it
 * equals. Read from the raw tables (see app/queries/team_metrics.ts for
 * why), never cached: a change of the team applies at once.
 */
export const TEAM_KPI_KEYS = ['throughput', 'cycle_time', 'first_review', 'pr_size', 'lead_time']
export const TEAM_KPIS = EXECUTIVE_KPIS.filter((kpi) => TEAM_KPI_KEYS.includes(kpi.key))

export type TeamChoice = { publicId: string; name: string }
export type SelectedTeam = { id: number; publicId: string; name: string; people: number }

export type TeamLensView = {
  team: SelectedTeam
  hasData: boolean
  cards: KpiCard[]
  /** the list each card opens, with the team (and product) */
  drill: Record<string, string>
  figures: { cycleTrend: string; cycleSplit: string }
  tables: PageTable[]
}

const teamIds = publicIds('team')

/**
 * The team a `?team=` names, with how many people it has; a blank value
 * is no team, another organisation's team (or nonsense) a 404.
 */
export async function selectedTeam(
  organizationId: number,
  value: unknown
): Promise<SelectedTeam | null> {
  if (value === undefined || value === null || value === '') return null
  const id = typeof value === 'string' ? teamIds.decode(value) : null
  const row =
    id === null
      ? null
      : await db
          .from('teams')
          .where('organization_id', organizationId)
          .where('id', id)
          .select(
            'id',
            'name',
            db.raw(
              '(SELECT COUNT(*) FROM team_members tm WHERE tm.organization_id = teams.organization_id AND tm.team_id = teams.id) AS people'
            )
          )
          .first()
  if (!row) throw new Exception('No such team.', { status: 404, code: 'E_ROW_NOT_FOUND' })
  return {
    id: Number(row.id),
    publicId: teamIds.encode(Number(row.id)),
    name: String(row.name),
    people: Number(row.people),
  }
}

export function teamOptions(organizationId: number): Promise<TeamChoice[]> {
  return teamChoices(organizationId)
}

export async function teamLens(
  organizationId: number,
  team: SelectedTeam,
  range: DateRange,
  product: string | null = null
): Promise<TeamLensView> {
  const trend = await teamTrend(organizationId, { team: team.publicId, product }, range, {
    bucket: range.days > 45 ? 'week' : 'day',
  })
  const cards = kpiCards(TEAM_KPIS, trend.current, trend.previous, trend.series, range.days, {
    previousDaysWithData: trend.previousDaysWithData,
  })
  const filters: Record<string, string> = { team: team.publicId }
  if (product) filters.product = product
  const chartDrill: ChartDrill = { range, filters }
  const list = (path: string, extra: Record<string, string> = {}) =>
    `${path}${drillQuery(range, { ...filters, ...extra })}`
  return {
    team,
    hasData:
      trend.current.pullRequestsOpened +
        trend.current.pullRequestsMerged +
        trend.current.commits +
        trend.current.percentiles.first_review.count >
      0,
    cards,
    drill: {
      throughput: list('/insights/pull-requests'),
      cycle_time: list('/insights/pull-requests'),
      pr_size: list('/insights/pull-requests', { sort: '-size' }),
      first_review: list('/insights/first-reviews'),
      lead_time: list('/insights/deployed-changes'),
    },
    figures: {
      cycleTrend: cycleTimeTrendFigure(trend.series, chartDrill),
      cycleSplit: cycleSplitFigure([
        {
          name: 'This period',
          summary: trend.current,
          href: listHref('/insights/pull-requests', range, chartDrill),
        },
        {
          name: 'Previous period',
          summary: trend.previous,
          href: listHref('/insights/pull-requests', range.previous, chartDrill),
        },
      ]),
    },
    tables: [kpiTable(cards, range)],
  }
}

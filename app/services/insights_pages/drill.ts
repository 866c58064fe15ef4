import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import { filtersOrDefault } from '#services/list_filters'
import { DEFAULT_PRESET, presetRange } from '#services/insights_pages/date_range'
import { csvFileName, toCsv, type CsvCell } from '#services/insights_pages/csv'
import { publicIds } from '#services/public_id'
import { teamPersonIds } from '#queries/teams'

export const DRILL_PAGE_SIZE = 50

export type DrillFilters = {
  from: string
  to: string
  repository?: string | null
  product?: string | null
  provider?: string | null
  /** a team (public id): lists of pull requests and commits keep its people's */
  team?: string | null
  sort?: string | null
  page?: number
  [key: string]: unknown
}

type Validator<Output> = { validate(data: unknown): Promise<Output> }

/**
 * A form left a field empty ("any provider"): that is no filter, not a
 * bad value.
 */
export function withoutBlanks(query: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(query).filter(([, value]) => !(typeof value === 'string' && value.trim() === ''))
  )
}

/**
 * A drill-down list's filters: the validated query, or its default view
 * (the last 90 days) with a message when a value cannot be used.
 */
export async function drillFilters<Output extends Record<string, unknown>>(
  validator: Validator<Output>,
  query: Record<string, unknown>
) {
  let { filters, filterError } = await filtersOrDefault(validator, withoutBlanks(query))
  const fields = filters as Record<string, unknown>
  if (!filterError && fields.from && fields.to && String(fields.from) > String(fields.to)) {
    filterError = 'The start day must come before the end day: showing the whole list instead.'
    filters = {}
  }
  const fallback = presetRange(DEFAULT_PRESET, DateTime.utc())
  const list = {
    ...(filters as Record<string, unknown>),
    from: ((filters as Record<string, unknown>).from as string | undefined) ?? fallback.from,
    to: ((filters as Record<string, unknown>).to as string | undefined) ?? fallback.to,
  } as DrillFilters
  return { list, filterError, csv: (filters as Record<string, unknown>).format === 'csv' }
}

/** the list's URL with its filters and some changed (a page, the export) */
export function drillHref(path: string, list: DrillFilters) {
  return (extra: Record<string, string | number | undefined> = {}) => {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries({
      ...list,
      page: undefined,
      format: undefined,
      ...extra,
    })) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
    }
    return `${path}?${params.toString()}`
  }
}

/** the repository / product / provider fence shared by every list (alias `t`) */
export function fenceByFilters(
  query: DatabaseQueryBuilderContract,
  organizationId: number,
  list: DrillFilters,
  alias: string
) {
  query.where(`${alias}.organization_id`, organizationId)
  if (list.repository) {
    query.where(`${alias}.repository_id`, publicIds('repository').decode(list.repository) ?? 0)
  }
  if (list.product) {
    query.whereIn(
      `${alias}.repository_id`,
      db
        .from('product_repositories as pr')
        .select('pr.repository_id')
        .where('pr.organization_id', organizationId)
        .where('pr.product_id', publicIds('product').decode(list.product) ?? 0)
    )
  }
  if (list.provider) query.where(`${alias}.provider`, list.provider)
  return query
}

/**
 * Keeps the rows (alias with `provider` and `author_login`) authored by
 * an identity of one of the team's people; a team of another
 * organisation selects no one.
 */
export function fenceByTeam(
  query: DatabaseQueryBuilderContract,
  organizationId: number,
  list: DrillFilters,
  alias: string
) {
  if (!list.team) return query
  return query.whereExists(
    db
      .from('contributors as team_c')
      .select('team_c.id')
      .where('team_c.organization_id', organizationId)
      .whereIn('team_c.person_id', teamPersonIds(organizationId, list.team))
      .whereColumn('team_c.provider', `${alias}.provider`)
      .whereColumn('team_c.login', `${alias}.author_login`)
  )
}

/** one page of a list and its total */
export async function paginate<Row>(
  count: DatabaseQueryBuilderContract,
  rows: DatabaseQueryBuilderContract,
  page: number | undefined,
  toRow: (row: Record<string, unknown>) => Row
) {
  const counted = await count.count('* as total').first()
  const total = Number(counted?.total ?? 0)
  const current = Math.max(1, page ?? 1)
  const found = await rows.limit(DRILL_PAGE_SIZE).offset((current - 1) * DRILL_PAGE_SIZE)
  return {
    total,
    page: current,
    lastPage: Math.max(1, Math.ceil(total / DRILL_PAGE_SIZE)),
    rows: found.map(toRow),
  }
}

/** a list as a CSV download (the dashboards' formula guard applies) */
export function sendCsv(
  ctx: HttpContext,
  name: string,
  list: DrillFilters,
  columns: string[],
  rows: CsvCell[][]
) {
  ctx.response.header('Content-Type', 'text/csv; charset=utf-8')
  ctx.response.header(
    'Content-Disposition',
    `attachment; filename="${csvFileName(name, list.from, list.to)}"`
  )
  ctx.response.header('Cache-Control', 'private, no-store')
  return toCsv(columns, rows)
}

/** hours between two moments, 0.1 */
export function hoursBetween(from: Date | null, to: Date | null) {
  if (!from || !to) return null
  return Math.round(((to.getTime() - from.getTime()) / 3_600_000) * 10) / 10
}

/** a moment as 'YYYY-MM-DD HH:mm' UTC */
export function utcMinute(moment: Date | null) {
  return moment ? moment.toISOString().slice(0, 16).replace('T', ' ') : null
}

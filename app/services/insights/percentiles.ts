import db from '@adonisjs/lucid/services/db'
import { selectRows } from '#services/insights/dialect'
import { repositoryClauses } from '#services/insights/scope'
import type { Day, DurationMetric, InsightScope, Percentiles } from '#services/insights/types'

/**
 * Medians and percentiles of the durations kept one per row in
 * insight_durations. The rows are read sorted and the percentile is
 * computed here, the same way on every engine (SQLite has no
 * percentile_cont): linear interpolation between the two closest ranks,
 * as PostgreSQL's percentile_cont and spreadsheets' PERCENTILE.INC do.
 */
export const DURATION_METRICS: DurationMetric[] = [
  'cycle',
  'merge_cycle',
  'coding',
  'pickup',
  'review',
  'deploy',
  'lead_time',
  'first_review',
  'restore',
]

const HOUR = 3600

/** the p-th percentile (0–1) of values sorted ascending; null when there are none */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null
  const rank = (sorted.length - 1) * p
  const below = Math.floor(rank)
  const above = Math.ceil(rank)
  return sorted[below] + (sorted[above] - sorted[below]) * (rank - below)
}

export function hours(seconds: number | null) {
  return seconds === null ? null : Math.round((seconds / HOUR) * 10) / 10
}

export function percentilesOf(seconds: number[]): Percentiles {
  const sorted = [...seconds].sort((a, b) => a - b)
  return {
    count: sorted.length,
    median: hours(percentile(sorted, 0.5)),
    p75: hours(percentile(sorted, 0.75)),
    p90: hours(percentile(sorted, 0.9)),
  }
}

export function emptyPercentiles(): Record<DurationMetric, Percentiles> {
  return percentilesFrom(new Map())
}

export function percentilesFrom(
  values: Map<DurationMetric, number[]>
): Record<DurationMetric, Percentiles> {
  const result = {} as Record<DurationMetric, Percentiles>
  for (const metric of DURATION_METRICS) result[metric] = percentilesOf(values.get(metric) ?? [])
  return result
}

export type DurationRow = { key: string; day: Day; metric: DurationMetric; seconds: number }

/**
 * Every duration of a scope over [from, to], with a grouping key: the
 * day, the repository or nothing (one query, fenced to the organisation).
 */
export async function durationRows(
  scope: InsightScope,
  groupBy: 'none' | 'day' | 'repository' | 'product',
  range: { from: Day; to: Day } = scope
): Promise<DurationRow[]> {
  const bindings: Array<string | number> = [scope.organizationId, range.from, range.to]
  const clauses = repositoryClauses(scope, 'm', bindings)
  const key =
    groupBy === 'day'
      ? 'm.day'
      : groupBy === 'repository'
        ? 'm.repository_id'
        : groupBy === 'product'
          ? 'x.product_id'
          : "''"
  const join =
    groupBy === 'product'
      ? 'JOIN product_repositories x ON x.repository_id = m.repository_id AND x.organization_id = m.organization_id'
      : ''
  const result = await db.rawQuery(
    `SELECT ${key} AS grouping_key, m.day AS day, m.metric AS metric, m.seconds AS seconds
     FROM insight_durations m ${join}
     WHERE m.organization_id = ? AND m.day BETWEEN ? AND ? ${clauses.map((c) => `AND ${c}`).join(' ')}`,
    bindings
  )
  return selectRows(result).map((row) => ({
    key: String(row.grouping_key ?? ''),
    day: String(row.day),
    metric: row.metric as DurationMetric,
    seconds: Number(row.seconds),
  }))
}

/** groups duration rows by key, then by metric, into percentiles */
export function groupPercentiles(
  rows: DurationRow[],
  keyOf: (row: DurationRow) => string = (row) => row.key
): Map<string, Record<DurationMetric, Percentiles>> {
  const grouped = new Map<string, Map<DurationMetric, number[]>>()
  for (const row of rows) {
    const key = keyOf(row)
    const metrics = grouped.get(key) ?? new Map<DurationMetric, number[]>()
    const values = metrics.get(row.metric) ?? []
    values.push(row.seconds)
    metrics.set(row.metric, values)
    grouped.set(key, metrics)
  }
  const result = new Map<string, Record<DurationMetric, Percentiles>>()
  for (const [key, metrics] of grouped) result.set(key, percentilesFrom(metrics))
  return result
}

import db from '@adonisjs/lucid/services/db'
import { WATCHED_METRICS, type WatchedMetric } from '#services/insights/anomalies'

const METRICS = Object.keys(WATCHED_METRICS) as WatchedMetric[]

/** the first day an organisation has any rolled-up metric, or null */
export async function firstMetricDay(organizationId: number): Promise<string | null> {
  const row = await db
    .from('insight_daily_metrics')
    .where('organization_id', organizationId)
    .min('day as first')
    .first()
  return row?.first ?? null
}

/** each watched metric's daily total over [from, to] (days as 'YYYY-MM-DD') */
export async function dailyTotals(organizationId: number, range: { from: string; to: string }) {
  const query = db
    .from('insight_daily_metrics')
    .where('organization_id', organizationId)
    .whereBetween('day', [range.from, range.to])
    .groupBy('day')
    .select('day')
  for (const metric of METRICS) query.sum(`${metric} as ${metric}`)
  const series = new Map<WatchedMetric, Map<string, number>>(
    METRICS.map((metric) => [metric, new Map()])
  )
  for (const row of await query) {
    for (const metric of METRICS) series.get(metric)!.set(row.day, Number(row[metric] ?? 0))
  }
  return series
}

/** one metric's total per repository on the given days */
export async function totalsByRepository(
  organizationId: number,
  metric: WatchedMetric,
  days: string[]
) {
  if (days.length === 0) return new Map<string, number>()
  const rows = await db
    .from('insight_daily_metrics as m')
    .leftJoin('repositories as r', 'r.id', 'm.repository_id')
    .where('m.organization_id', organizationId)
    .whereIn('m.day', days)
    .groupBy('r.full_name')
    .select('r.full_name')
    .sum(`m.${metric} as total`)
  return new Map(rows.map((row) => [row.full_name ?? 'no repository', Number(row.total ?? 0)]))
}

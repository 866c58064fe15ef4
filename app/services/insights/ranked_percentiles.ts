import db from '@adonisjs/lucid/services/db'
import { engine, selectRows } from '#services/insights/dialect'
import { repositoryClauses } from '#services/insights/scope'
import { DURATION_METRICS, hours } from '#services/insights/percentiles'
import type { DurationMetric, InsightScope, Percentiles } from '#services/insights/types'

/** the percentiles a summary can carry, by the fraction each stands for */
export const PERCENTILE_RANKS = { median: 0.5, p75: 0.75, p90: 0.9 } as const
export type PercentileName = keyof typeof PERCENTILE_RANKS

/**
 * Medians and percentiles of one scope's durations, computed by the
 * database instead of reading every duration (issue #24: the 90-day
 * window is 306,000 rows at 100,000 pull requests). Two statements
 * whatever the number of rows:
 *
 * 1. the count per metric, from the (organization_id, metric, day) index;
 * 2. for each metric and percentile, the one or two values around its
 *    rank, `ORDER BY seconds LIMIT n OFFSET k` over the
 *    (organization_id, metric, seconds, day, repository_id) index (the
 *    database walks k index entries, nothing is sorted or sent), all in
 *    one UNION ALL.
 *
 * The figure is the same as `percentile()` over the sorted values:
 * linear interpolation between the two closest ranks (PostgreSQL's
 * percentile_cont). `wanted` narrows which percentiles of which
 * metrics are computed (scores read four medians); the others are left
 * null. Every metric's count is always there.
 */
export type WantedPercentiles = {
  percentiles?: readonly PercentileName[]
  metrics?: readonly DurationMetric[]
}

export async function percentilesInDatabase(
  scope: InsightScope,
  wanted: WantedPercentiles = {}
): Promise<Record<DurationMetric, Percentiles>> {
  const names = wanted.percentiles ?? ['median', 'p75', 'p90']
  const ranked = wanted.metrics ?? DURATION_METRICS
  const filter = (bindings: Array<string | number>) => {
    const clauses = repositoryClauses(scope, 'm', bindings)
    return clauses.map((clause) => `AND ${clause}`).join(' ')
  }
  const countBindings: Array<string | number> = [scope.organizationId, ...DURATION_METRICS]
  countBindings.push(scope.from, scope.to)
  const countFilter = filter(countBindings)
  const counted = await db.rawQuery(
    `SELECT m.metric AS metric, COUNT(*) AS total FROM insight_durations m
     WHERE m.organization_id = ? AND m.metric IN (${DURATION_METRICS.map(() => '?').join(', ')})
       AND m.day BETWEEN ? AND ? ${countFilter}
     GROUP BY m.metric`,
    countBindings
  )
  const counts = new Map<DurationMetric, number>(
    selectRows(counted).map((row) => [row.metric as DurationMetric, Number(row.total)])
  )

  // one branch per (metric, percentile): the values at ranks floor and ceil
  const branches: string[] = []
  // SQLite's planner prefers the (metric, day) index and a sort of the
  // window (42 ms against 6 ms for one median of 42,000 durations):
  // named here. PostgreSQL takes the ordered index scan for the LIMIT.
  const rankIndex = engine() === 'sqlite' ? 'INDEXED BY insight_durations_rank_index' : ''
  const bindings: Array<string | number> = []
  const ranks: Array<{ metric: DurationMetric; name: PercentileName; fraction: number }> = []
  for (const metric of ranked) {
    const count = counts.get(metric) ?? 0
    if (count === 0) continue
    for (const name of names) {
      const rank = (count - 1) * PERCENTILE_RANKS[name]
      const below = Math.floor(rank)
      const limit = Math.ceil(rank) - below + 1
      bindings.push(scope.organizationId, metric, scope.from, scope.to)
      const clauses = filter(bindings)
      // the subquery keeps ORDER BY / LIMIT per branch on both engines;
      // branch, limit and offset are integers computed here
      branches.push(
        `SELECT * FROM (SELECT ${ranks.length} AS branch, m.seconds AS seconds FROM insight_durations m ${rankIndex}
           WHERE m.organization_id = ? AND m.metric = ? AND m.day BETWEEN ? AND ? ${clauses}
           ORDER BY m.seconds LIMIT ${limit} OFFSET ${below}) b${ranks.length}`
      )
      ranks.push({ metric, name, fraction: rank - below })
    }
  }
  const values = new Map<number, number[]>()
  if (branches.length > 0) {
    const result = await db.rawQuery(branches.join('\nUNION ALL\n'), bindings)
    for (const row of selectRows(result)) {
      const branch = Number(row.branch)
      const list = values.get(branch) ?? []
      list.push(Number(row.seconds))
      values.set(branch, list)
    }
  }

  const percentiles = {} as Record<DurationMetric, Percentiles>
  for (const metric of DURATION_METRICS) {
    percentiles[metric] = { count: counts.get(metric) ?? 0, median: null, p75: null, p90: null }
  }
  ranks.forEach((one, branch) => {
    // a UNION ALL does not promise its branches' order: sort the one or two values
    const [below, above = below] = (values.get(branch) ?? []).sort((a, b) => a - b)
    if (below === undefined) return
    percentiles[one.metric][one.name] = hours(below + (above - below) * one.fraction)
  })
  return percentiles
}

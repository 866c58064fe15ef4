import db from '@adonisjs/lucid/services/db'
import { engine, selectRows } from '#services/insights/dialect'
import { repositoryClauses } from '#services/insights/scope'
import { DURATION_METRICS, hours } from '#services/insights/percentiles'
import type { RollupColumn, RollupSums } from '#services/insights/rollup_sql'
import type { DurationMetric, InsightScope, Percentiles } from '#services/insights/types'

/** the percentiles a summary can carry, by the fraction each stands for */
export const PERCENTILE_RANKS = { median: 0.5, p75: 0.75, p90: 0.9 } as const
export type PercentileName = keyof typeof PERCENTILE_RANKS

/**
 * Medians and percentiles of one scope's durations, computed by the
 * database instead of reading every duration (issue #24: the 90-day
 * window is 306,000 rows at 100,000 pull requests). At most two
 * statements whatever the number of rows:
 *
 * 1. the count per metric: taken from the scope's daily sums when the
 *    caller has read them (`counts`, see DURATION_COUNT_COLUMNS),
 *    otherwise counted over the (organization_id, metric, day) index;
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

/**
 * The insight_daily_metrics column that counts each metric's durations.
 * The rollup writes a duration row exactly where it adds one to this
 * column, for the same (repository, day): the same source, moment and
 * condition in rollup_sql.ts (`branches()` and `durationSources()`), and
 * one of each per measured row in measured_rows.ts. So a scope's sum of
 * the column is its count of durations, and the count need not walk the
 * durations' index (307,000 entries for the organisation at 100,000 pull
 * requests). tests/functional/insights/duration_counts.spec.ts fails
 * when the two diverge for any metric, repository or day.
 */
export const DURATION_COUNT_COLUMNS = {
  cycle: 'cycle_count',
  merge_cycle: 'merge_cycle_count',
  coding: 'coding_count',
  pickup: 'pickup_count',
  review: 'review_count',
  deploy: 'deploy_count',
  lead_time: 'lead_time_count',
  first_review: 'first_review_count',
  restore: 'restore_count',
} as const satisfies Record<DurationMetric, RollupColumn>

/** each metric's count of durations in a scope, from the scope's daily sums */
export function durationCounts(sums: RollupSums): Record<DurationMetric, number> {
  const counts = {} as Record<DurationMetric, number>
  for (const metric of DURATION_METRICS) counts[metric] = sums[DURATION_COUNT_COLUMNS[metric]]
  return counts
}

export async function percentilesInDatabase(
  scope: InsightScope,
  wanted: WantedPercentiles = {},
  counts?: Record<DurationMetric, number>
): Promise<Record<DurationMetric, Percentiles>> {
  const [percentiles] = await percentilesOfScopes([scope], wanted, counts && [counts])
  return percentiles
}

/**
 * The same for several scopes at once (each product of an
 * organisation): still two statements, each a UNION ALL of one branch
 * per scope, so a page's statement count does not grow with its
 * products. Results in the order of `scopes`. `known` holds each
 * scope's counts when the caller summed them from the daily rows
 * (`durationCounts`): then the ranks are the only statement.
 */
export async function percentilesOfScopes(
  scopes: InsightScope[],
  wanted: WantedPercentiles = {},
  known?: Array<Record<DurationMetric, number>>
): Promise<Array<Record<DurationMetric, Percentiles>>> {
  const names = wanted.percentiles ?? ['median', 'p75', 'p90']
  const ranked = wanted.metrics ?? DURATION_METRICS
  const filter = (scope: InsightScope, bindings: Array<string | number>) => {
    const clauses = repositoryClauses(scope, 'm', bindings)
    return clauses.map((clause) => `AND ${clause}`).join(' ')
  }
  if (scopes.length === 0) return []
  const counts = known
    ? known.map((one) => new Map(DURATION_METRICS.map((metric) => [metric, one[metric]])))
    : await countDurations(scopes, filter)

  // one branch per (scope, metric, percentile): the values at ranks floor and ceil
  const branches: string[] = []
  // SQLite's planner prefers the (metric, day) index and a sort of the
  // window (42 ms against 6 ms for one median of 42,000 durations):
  // named here. PostgreSQL takes the ordered index scan for the LIMIT.
  const rankIndex = engine() === 'sqlite' ? 'INDEXED BY insight_durations_rank_index' : ''
  const bindings: Array<string | number> = []
  const ranks: Array<{
    scope: number
    metric: DurationMetric
    name: PercentileName
    fraction: number
  }> = []
  scopes.forEach((scope, index) => {
    for (const metric of ranked) {
      const count = counts[index].get(metric) ?? 0
      if (count === 0) continue
      for (const name of names) {
        const rank = (count - 1) * PERCENTILE_RANKS[name]
        const below = Math.floor(rank)
        const limit = Math.ceil(rank) - below + 1
        bindings.push(scope.organizationId, metric, scope.from, scope.to)
        const clauses = filter(scope, bindings)
        // the subquery keeps ORDER BY / LIMIT per branch on both engines;
        // branch, limit and offset are integers computed here
        branches.push(
          `SELECT * FROM (SELECT ${ranks.length} AS branch, m.seconds AS seconds FROM insight_durations m ${rankIndex}
           WHERE m.organization_id = ? AND m.metric = ? AND m.day BETWEEN ? AND ? ${clauses}
           ORDER BY m.seconds LIMIT ${limit} OFFSET ${below}) b${ranks.length}`
        )
        ranks.push({ scope: index, metric, name, fraction: rank - below })
      }
    }
  })
  const values = new Map<number, number[]>()
  for (const row of await unionAll(branches, bindings)) {
    const branch = Number(row.branch)
    const list = values.get(branch) ?? []
    list.push(Number(row.seconds))
    values.set(branch, list)
  }

  const results = counts.map((count) => {
    const percentiles = {} as Record<DurationMetric, Percentiles>
    for (const metric of DURATION_METRICS) {
      percentiles[metric] = { count: count.get(metric) ?? 0, median: null, p75: null, p90: null }
    }
    return percentiles
  })
  ranks.forEach((one, branch) => {
    // a UNION ALL does not promise its branches' order: sort the one or two values
    const [below, above = below] = (values.get(branch) ?? []).sort((a, b) => a - b)
    if (below === undefined) return
    results[one.scope][one.metric][one.name] = hours(below + (above - below) * one.fraction)
  })
  return results
}

/** each scope's count of durations per metric, over the durations' index (one UNION ALL) */
async function countDurations(
  scopes: InsightScope[],
  filter: (scope: InsightScope, bindings: Array<string | number>) => string
) {
  const counts = scopes.map(() => new Map<DurationMetric, number>())
  const countBindings: Array<string | number> = []
  const countBranches = scopes.map((scope, index) => {
    countBindings.push(scope.organizationId, ...DURATION_METRICS, scope.from, scope.to)
    const clauses = filter(scope, countBindings)
    return `SELECT ${index} AS scope, m.metric AS metric, COUNT(*) AS total FROM insight_durations m
     WHERE m.organization_id = ? AND m.metric IN (${DURATION_METRICS.map(() => '?').join(', ')})
       AND m.day BETWEEN ? AND ? ${clauses}
     GROUP BY m.metric`
  })
  for (const row of await unionAll(countBranches, countBindings)) {
    counts[Number(row.scope)].set(row.metric as DurationMetric, Number(row.total))
  }
  return counts
}

/**
 * SQLite allows 500 SELECTs in one compound statement: the branches go
 * out BRANCHES_PER_STATEMENT at a time (one statement up to a dozen
 * products with every percentile), their bindings split alongside.
 */
const BRANCHES_PER_STATEMENT = 400

async function unionAll(branches: string[], bindings: Array<string | number>) {
  const rows: Array<Record<string, unknown>> = []
  let bound = 0
  for (let index = 0; index < branches.length; index += BRANCHES_PER_STATEMENT) {
    const part = branches.slice(index, index + BRANCHES_PER_STATEMENT)
    const placeholders = part.reduce((total, sql) => total + (sql.match(/\?/g)?.length ?? 0), 0)
    const result = await db.rawQuery(
      part.join('\nUNION ALL\n'),
      bindings.slice(bound, bound + placeholders)
    )
    bound += placeholders
    rows.push(...selectRows(result))
  }
  return rows
}

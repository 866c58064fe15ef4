import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { daysInRange, eachDay, selectRows } from '#services/insights/dialect'
import { ROLLUP_COLUMNS } from '#services/insights/rollup_sql'
import { previousPeriod, scopeWhere } from '#services/insights/scope'
import { durationRows, emptyPercentiles, groupPercentiles } from '#services/insights/percentiles'
import {
  durationCounts,
  percentilesInDatabase,
  percentilesOfScopes,
  type WantedPercentiles,
} from '#services/insights/ranked_percentiles'
import {
  addSums,
  emptySums,
  seriesValues,
  summaryFromSums,
  sumsFrom,
} from '#services/insights/summary_math'
import type {
  Day,
  InsightScope,
  MetricSummary,
  MetricTrend,
  ProductMetrics,
  RepositoryMetrics,
  SeriesPoint,
} from '#services/insights/types'
import { publicIds } from '#services/public_id'
import {
  addScopedIssues,
  productScopedIssues,
  scopedRestoreRows,
} from '#services/insights/product_scope_issues'

export { previousPeriod, lastDays } from '#services/insights/scope'
export {
  vulnerabilityOverview,
  vulnerabilityOverviews,
  activeContributors,
  aiComposition,
} from '#services/insights/activity'

/**
 * The insights read API over the daily rollup (insight_daily_metrics).
 * Each function is one set-based query whatever the number of
 * repositories, and every query is fenced to scope.organizationId.
 */

const sumList = (alias: string) =>
  ROLLUP_COLUMNS.map((column) => `COALESCE(SUM(${alias}.${column}), 0) AS ${column}`).join(', ')

/**
 * The KPIs of a scope (two queries: the sums, then the percentiles
 * computed by the database; each metric's count of durations is one of
 * the sums, DURATION_COUNT_COLUMNS). `wanted` narrows the percentiles
 * computed (scores read four medians); the others are left null.
 */
export async function summarizeMetrics(
  scope: InsightScope,
  wanted: WantedPercentiles = {}
): Promise<MetricSummary> {
  const where = scopeWhere(scope)
  const result = await db.rawQuery(
    `SELECT ${sumList('m')} FROM insight_daily_metrics m WHERE ${where.sql}`,
    where.bindings
  )
  const sums = sumsFrom(selectRows(result)[0])
  return summaryFromSums(
    sums,
    daysInRange(scope.from, scope.to),
    await percentilesInDatabase(scope, wanted, durationCounts(sums))
  )
}

/** the KPIs of a scope and of the equally long period before it (two queries) */
export async function summarizeTrend(scope: InsightScope): Promise<MetricTrend> {
  const previous = previousPeriod(scope)
  const where = scopeWhere(scope, 'm', { from: previous.from, to: scope.to })
  const split = (prefix: string, condition: string) =>
    ROLLUP_COLUMNS.map(
      (column) =>
        `COALESCE(SUM(CASE WHEN ${condition} THEN m.${column} ELSE 0 END), 0) AS ${prefix}${column}`
    )
  // the organisation's first day of data tells how much of the previous period it covers
  const result = await db.rawQuery(
    `SELECT ${[...split('c_', 'm.day >= ?'), ...split('p_', 'm.day < ?')].join(', ')},
       (SELECT MIN(f.day) FROM insight_daily_metrics f WHERE f.organization_id = ?) AS first_day
     FROM insight_daily_metrics m WHERE ${where.sql}`,
    [
      ...ROLLUP_COLUMNS.map(() => scope.from),
      ...ROLLUP_COLUMNS.map(() => scope.from),
      scope.organizationId,
      ...where.bindings,
    ]
  )
  const row = selectRows(result)[0]
  const days = daysInRange(scope.from, scope.to)
  // a product's issues of its projects and components that its repositories do not own
  const scoped = await productScopedIssues(scope, { from: previous.from, to: scope.to })
  const current = addScopedIssues(
    sumsFrom(row, 'c_'),
    scoped.filter((issue) => issue.day >= scope.from)
  )
  const before = addScopedIssues(
    sumsFrom(row, 'p_'),
    scoped.filter((issue) => issue.day < scope.from)
  )
  const percentiles = groupPercentiles(
    [
      ...(await durationRows(scope, 'none', { from: previous.from, to: scope.to })),
      ...scopedRestoreRows(scoped),
    ],
    (duration) => (duration.day >= scope.from ? 'current' : 'previous')
  )
  const firstDay = row?.first_day ? String(row.first_day) : null
  return {
    previousDaysWithData:
      firstDay === null || firstDay > previous.to
        ? 0
        : daysInRange(firstDay > previous.from ? firstDay : previous.from, previous.to),
    current: summaryFromSums(current, days, percentiles.get('current') ?? emptyPercentiles()),
    previous: summaryFromSums(before, days, percentiles.get('previous') ?? emptyPercentiles()),
  }
}

/**
 * Plottable values per day, or per week (weeks start on Monday; the
 * first and last may be partial), every bucket of the range present
 * (two queries).
 */
export async function dailySeries(
  scope: InsightScope,
  options: { bucket?: 'day' | 'week' } = {}
): Promise<SeriesPoint[]> {
  const where = scopeWhere(scope)
  const result = await db.rawQuery(
    `SELECT m.day AS day, ${sumList('m')} FROM insight_daily_metrics m WHERE ${where.sql} GROUP BY m.day`,
    where.bindings
  )
  const byDay = new Map(selectRows(result).map((row) => [String(row.day), sumsFrom(row)]))
  // a product's issues of its projects and components that its repositories do not own
  const scoped = await productScopedIssues(scope)
  for (const issue of scoped) {
    const sums = byDay.get(issue.day) ?? emptySums()
    byDay.set(issue.day, addScopedIssues(sums, [issue]))
  }
  const durations = [...(await durationRows(scope, 'day')), ...scopedRestoreRows(scoped)]
  const bucketOf = (day: Day) =>
    options.bucket === 'week'
      ? (() => {
          const monday = DateTime.fromISO(day, { zone: 'utc' }).startOf('week').toISODate()!
          return monday < scope.from ? scope.from : monday
        })()
      : day
  const buckets = new Map<Day, { sums: ReturnType<typeof emptySums>; days: number }>()
  for (const day of eachDay(scope.from, scope.to)) {
    const key = bucketOf(day)
    const bucket = buckets.get(key) ?? { sums: emptySums(), days: 0 }
    bucket.days += 1
    const sums = byDay.get(day)
    if (sums) addSums(bucket.sums, sums)
    buckets.set(key, bucket)
  }
  const percentiles = groupPercentiles(durations, (duration) => bucketOf(duration.day))
  return [...buckets.entries()].map(([day, bucket]) => ({
    day,
    values: seriesValues(
      summaryFromSums(bucket.sums, bucket.days, percentiles.get(day) ?? emptyPercentiles())
    ),
  }))
}

/** the KPIs of each repository in scope (all of them, also the idle ones), by name (two queries) */
export async function summarizeByRepository(scope: InsightScope): Promise<RepositoryMetrics[]> {
  const bindings: Array<string | number> = [scope.from, scope.to, scope.organizationId]
  const filters: string[] = []
  if (scope.productId) {
    filters.push(
      'r.id IN (SELECT pr.repository_id FROM product_repositories pr WHERE pr.organization_id = ? AND pr.product_id = ?)'
    )
    bindings.push(scope.organizationId, scope.productId)
  }
  if (scope.repositoryId) {
    filters.push('r.id = ?')
    bindings.push(scope.repositoryId)
  }
  const result = await db.rawQuery(
    `SELECT r.id AS repository_id, r.name AS name, r.full_name AS full_name, ${sumList('m')}
     FROM repositories r
     LEFT JOIN insight_daily_metrics m
       ON m.organization_id = r.organization_id AND m.repository_id = r.id AND m.day BETWEEN ? AND ?
     WHERE r.organization_id = ? ${filters.map((filter) => `AND ${filter}`).join(' ')}
     GROUP BY r.id, r.name, r.full_name
     ORDER BY r.name, r.id`,
    bindings
  )
  const days = daysInRange(scope.from, scope.to)
  const codec = publicIds('repository')
  const percentiles = groupPercentiles(await durationRows(scope, 'repository'))
  return selectRows(result).map((row) => ({
    repositoryId: Number(row.repository_id),
    publicId: codec.encode(Number(row.repository_id)),
    name: String(row.name),
    fullName: String(row.full_name),
    summary: summaryFromSums(
      sumsFrom(row),
      days,
      percentiles.get(String(row.repository_id)) ?? emptyPercentiles()
    ),
  }))
}

/**
 * The KPIs of each product of the organisation, by name (two queries:
 * the sums, then the percentiles computed by the database for every
 * product at once, each product's counts of durations taken from its
 * sums). The join to product_repositories is fenced like the
 * percentiles' (scope.ts `repositoryClauses`), so both read the same
 * repositories. A repository in two products counts in
 * both (`sharedRepositoryCount`). `wanted` as summarizeMetrics.
 */
export async function summarizeByProduct(
  scope: Omit<InsightScope, 'productId' | 'repositoryId'>,
  wanted: WantedPercentiles = {}
): Promise<ProductMetrics[]> {
  const result = await db.rawQuery(
    `SELECT p.id AS product_id, p.name AS name,
       (SELECT COUNT(*) FROM product_repositories x WHERE x.product_id = p.id) AS repository_count,
       (SELECT COUNT(*) FROM product_repositories x WHERE x.product_id = p.id
          AND EXISTS (SELECT 1 FROM product_repositories y
            WHERE y.repository_id = x.repository_id AND y.product_id <> x.product_id)) AS shared_repository_count,
       ${sumList('m')}
     FROM products p
     LEFT JOIN product_repositories pr ON pr.product_id = p.id AND pr.organization_id = p.organization_id
     LEFT JOIN insight_daily_metrics m
       ON m.organization_id = p.organization_id AND m.repository_id = pr.repository_id AND m.day BETWEEN ? AND ?
     WHERE p.organization_id = ?
     GROUP BY p.id, p.name
     ORDER BY p.name, p.id`,
    [scope.from, scope.to, scope.organizationId]
  )
  const days = daysInRange(scope.from, scope.to)
  const codec = publicIds('product')
  const rows = selectRows(result)
  const sums = rows.map((row) => sumsFrom(row))
  const percentiles = await percentilesOfScopes(
    rows.map((row) => ({ ...scope, productId: Number(row.product_id) })),
    wanted,
    sums.map(durationCounts)
  )
  return rows.map((row, index) => ({
    productId: Number(row.product_id),
    publicId: codec.encode(Number(row.product_id)),
    name: String(row.name),
    repositoryCount: Number(row.repository_count),
    sharedRepositoryCount: Number(row.shared_repository_count),
    summary: summaryFromSums(sums[index], days, percentiles[index]),
  }))
}

import db from '@adonisjs/lucid/services/db'
import { selectRows } from '#services/insights/dialect'
import type {
  Day,
  LatestScore,
  LatestScores,
  MetricSummary,
  ScoreComponent,
  ScoreMetricKey,
  ScorePoint,
  VulnerabilityOverview,
} from '#services/insights/types'
import { publicIds } from '#services/public_id'

export type Direction = 'lower' | 'higher'

/**
 * The metrics scores are made of: how each is read from the KPIs, which
 * direction is better and its default weight (a reference metrics CSV
 * may override name, unit, direction and weight). Weights are relative:
 * the combined score is the weighted mean of the metric scores that
 * could be computed.
 */
export const SCORE_METRICS: Record<
  ScoreMetricKey,
  {
    name: string
    unit: string
    direction: Direction
    weight: number
    value: (
      summary: MetricSummary,
      vulnerabilities: VulnerabilityOverview,
      repositories: number
    ) => number | null
  }
> = {
  cycle_time_hours: {
    name: 'Cycle time',
    unit: 'hours',
    direction: 'lower',
    weight: 2,
    value: (summary) => summary.cycleTime.totalHours,
  },
  first_review_hours: {
    name: 'Time to first review',
    unit: 'hours',
    direction: 'lower',
    weight: 1,
    value: (summary) => summary.firstReviewHours,
  },
  pr_size_lines: {
    name: 'Pull request size',
    unit: 'lines',
    direction: 'lower',
    weight: 1,
    value: (summary) => summary.prSizeLines,
  },
  deployment_frequency_per_week: {
    name: 'Deployment frequency',
    unit: 'per week',
    direction: 'higher',
    weight: 2,
    value: (summary) => (summary.deployments > 0 ? summary.deploymentFrequencyPerWeek : null),
  },
  lead_time_hours: {
    name: 'Lead time for changes',
    unit: 'hours',
    direction: 'lower',
    weight: 2,
    value: (summary) => summary.leadTimeHours,
  },
  change_failure_rate: {
    name: 'Change failure rate',
    unit: '%',
    direction: 'lower',
    weight: 2,
    value: (summary) => summary.changeFailureRate,
  },
  time_to_restore_hours: {
    name: 'Time to restore',
    unit: 'hours',
    direction: 'lower',
    weight: 2,
    value: (summary) => summary.timeToRestoreHours,
  },
  bug_rate: {
    name: 'Bug rate',
    unit: '%',
    direction: 'lower',
    weight: 1,
    value: (summary) => summary.bugRate,
  },
  ai_share: {
    name: 'AI-assisted changes',
    unit: '%',
    direction: 'higher',
    weight: 0.5,
    value: (summary) => summary.aiShare,
  },
  open_vulnerabilities_per_repository: {
    name: 'Open critical and high vulnerabilities per repository',
    unit: 'per repository',
    direction: 'lower',
    weight: 2,
    value: (_summary, vulnerabilities, repositories) =>
      repositories > 0
        ? (vulnerabilities.bySeverity.critical.open + vulnerabilities.bySeverity.high.open) /
          repositories
        : null,
  },
}

export const SCORE_METRIC_KEYS = Object.keys(SCORE_METRICS) as ScoreMetricKey[]

/**
 * A value's percentile rank in a reference distribution, 0–100, better
 * is higher: the share of reference values the value beats, ties
 * counting half (the "mid-rank" percentile). For a lower-is-better
 * metric, beating means being smaller. Null without reference values.
 */
export function percentileScore(
  value: number,
  references: number[],
  direction: Direction
): number | null {
  if (references.length === 0) return null
  let beaten = 0
  let tied = 0
  for (const reference of references) {
    if (reference === value) tied++
    else if (direction === 'lower' ? value < reference : value > reference) beaten++
  }
  return Math.round(((beaten + tied / 2) * 100) / references.length)
}

/** the weighted mean of component scores, rounded; null with no component */
export function combineScores(
  components: Array<Pick<ScoreComponent, 'score' | 'weight'>>
): number | null {
  const weight = components.reduce((total, component) => total + component.weight, 0)
  if (weight <= 0) return null
  const total = components.reduce((sum, component) => sum + component.score * component.weight, 0)
  return Math.round(total / weight)
}

/** one score per day, oldest first: the organisation's, or one product's (one query) */
export async function scoreHistory(
  organizationId: number,
  productId: number | null = null,
  range: { from?: Day; to?: Day } = {}
): Promise<ScorePoint[]> {
  const query = db
    .from('score_points')
    .where('organization_id', organizationId)
    .select('day', 'score')
    .orderBy('day')
  if (productId) query.where('product_id', productId)
  else query.whereNull('product_id')
  if (range.from) query.where('day', '>=', range.from)
  if (range.to) query.where('day', '<=', range.to)
  const rows = await query
  return rows.map((row: { day: string; score: number }) => ({
    day: row.day,
    score: Number(row.score),
  }))
}

/**
 * The most recent scores of the organisation and of each of its
 * products, with their components (one query).
 */
export async function latestScores(organizationId: number): Promise<LatestScores> {
  const result = await db.rawQuery(
    `SELECT p.id AS product_id, p.name AS name, s.day AS day, s.score AS score, s.components AS components,
       CASE WHEN s.product_id IS NULL THEN 1 ELSE 0 END AS is_organization
     FROM score_points s
     LEFT JOIN products p ON p.id = s.product_id AND p.organization_id = s.organization_id
     WHERE s.organization_id = ?
       AND s.day = (SELECT MAX(x.day) FROM score_points x WHERE x.organization_id = ?)
     ORDER BY p.name`,
    [organizationId, organizationId]
  )
  const latest = (row: Record<string, unknown>): LatestScore => ({
    day: String(row.day),
    score: Number(row.score),
    components: JSON.parse(String(row.components)) as ScoreComponent[],
  })
  const rows = selectRows(result)
  const organization = rows.find((row) => Number(row.is_organization) === 1)
  const codec = publicIds('product')
  return {
    organization: organization ? latest(organization) : null,
    products: rows
      .filter((row) => Number(row.is_organization) === 0 && row.product_id !== null)
      .map((row) => ({
        productId: Number(row.product_id),
        publicId: codec.encode(Number(row.product_id)),
        name: String(row.name),
        latest: latest(row),
      })),
  }
}

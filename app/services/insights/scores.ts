import db from '@adonisjs/lucid/services/db'
import { selectRows } from '#services/insights/dialect'
import type { WantedPercentiles } from '#services/insights/ranked_percentiles'
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

/** the smallest samples a metric is scored on: below them it is "not enough data" */
export const MINIMUM_PULL_REQUESTS = 20
export const MINIMUM_DEPLOYMENTS = 10
export const MINIMUM_ISSUES = 20

type ScoreInputs = {
  summary: MetricSummary
  vulnerabilities: VulnerabilityOverview
  repositories: number
  /** the length of the scored period, in weeks */
  weeks: number
}

/**
 * Why a metric cannot be scored from these inputs ("no deployments",
 * "fewer than 20 merged pull requests"), null when it can.
 */
type Sample = (inputs: ScoreInputs) => string | null

const pullRequestSample =
  (count: (summary: MetricSummary) => number, noun: string): Sample =>
  ({ summary }) => {
    const size = count(summary)
    if (size === 0) return `no ${noun}`
    return size < MINIMUM_PULL_REQUESTS ? `fewer than ${MINIMUM_PULL_REQUESTS} ${noun}` : null
  }

const deploymentSample: Sample = ({ summary }) => {
  if (summary.deployments === 0) return 'no deployments'
  return summary.deployments < MINIMUM_DEPLOYMENTS
    ? `fewer than ${MINIMUM_DEPLOYMENTS} deployments`
    : null
}

/**
 * The metrics scores are made of: how each is read from the KPIs (the
 * medians of durations), which direction is better, its default weight
 * (a reference metrics CSV may override name, unit, direction and
 * weight), the sample it needs, and its group: metrics of one group
 * measure nearly the same thing and share one weight. `neutral` metrics
 * are shown but not scored.
 */
export const SCORE_METRICS: Record<
  ScoreMetricKey,
  {
    name: string
    unit: string
    direction: Direction
    weight: number
    group?: string
    neutral?: boolean
    sample: Sample
    /** when the metric does not apply (time to restore without a failure): skipped, not missing */
    applies?: (inputs: ScoreInputs) => boolean
    value: (inputs: ScoreInputs) => number | null
  }
> = {
  cycle_time_hours: {
    name: 'Cycle time',
    unit: 'hours',
    direction: 'lower',
    weight: 2,
    group: 'delivery speed',
    sample: pullRequestSample(
      (summary) => summary.percentiles.cycle.count,
      'deployed pull requests'
    ),
    value: ({ summary }) => summary.percentiles.cycle.median,
  },
  first_review_hours: {
    name: 'Time to first review',
    unit: 'hours',
    direction: 'lower',
    weight: 1,
    sample: pullRequestSample(
      (summary) => summary.percentiles.first_review.count,
      'reviewed pull requests'
    ),
    value: ({ summary }) => summary.percentiles.first_review.median,
  },
  pr_size_lines: {
    name: 'Pull request size',
    unit: 'lines',
    direction: 'lower',
    weight: 1,
    sample: pullRequestSample((summary) => summary.pullRequestsMerged, 'merged pull requests'),
    value: ({ summary }) => summary.prSizeLines,
  },
  deployment_frequency_per_week: {
    name: 'Deployment frequency (per repository)',
    unit: 'per week and repository',
    direction: 'higher',
    weight: 2,
    sample: deploymentSample,
    value: ({ summary, repositories, weeks }) =>
      repositories > 0 && weeks > 0
        ? Math.round((summary.deployments / weeks / repositories) * 100) / 100
        : null,
  },
  lead_time_hours: {
    name: 'Lead time for changes',
    unit: 'hours',
    direction: 'lower',
    weight: 2,
    group: 'delivery speed',
    sample: deploymentSample,
    value: ({ summary }) => summary.percentiles.lead_time.median,
  },
  change_failure_rate: {
    name: 'Change failure rate',
    unit: '%',
    direction: 'lower',
    weight: 2,
    sample: deploymentSample,
    value: ({ summary }) => summary.changeFailureRate,
  },
  time_to_restore_hours: {
    name: 'Time to restore',
    unit: 'hours',
    direction: 'lower',
    weight: 2,
    sample: deploymentSample,
    applies: ({ summary }) => summary.failedDeployments > 0,
    value: ({ summary }) => summary.percentiles.restore.median,
  },
  bug_rate: {
    name: 'Bug rate',
    unit: '%',
    direction: 'lower',
    weight: 1,
    sample: ({ summary }) =>
      summary.issuesOpened === 0
        ? 'no issues'
        : summary.issuesOpened < MINIMUM_ISSUES
          ? `fewer than ${MINIMUM_ISSUES} issues`
          : null,
    value: ({ summary }) => summary.bugRate,
  },
  ai_share: {
    name: 'AI-generated code',
    unit: '%',
    direction: 'higher',
    weight: 0.5,
    // neither good nor bad: shown on its card, left out of the score
    neutral: true,
    sample: () => null,
    value: ({ summary }) => summary.aiShare,
  },
  open_vulnerabilities_per_repository: {
    name: 'Open critical and high vulnerabilities per repository',
    unit: 'per repository',
    direction: 'lower',
    weight: 2,
    sample: ({ repositories }) => (repositories > 0 ? null : 'no repositories'),
    value: ({ vulnerabilities, repositories }) =>
      repositories > 0
        ? (vulnerabilities.bySeverity.critical.open + vulnerabilities.bySeverity.high.open) /
          repositories
        : null,
  },
}

/**
 * The durations SCORE_METRICS read: their medians (and counts, which
 * every summary has). Scores ask the database for these four medians
 * only, not every percentile of every duration.
 */
export const SCORED_DURATIONS = {
  percentiles: ['median'],
  metrics: ['cycle', 'first_review', 'lead_time', 'restore'],
} as const satisfies WantedPercentiles

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
    .select('day', 'score', 'missing')
    .orderBy('day')
  if (productId) query.where('product_id', productId)
  else query.whereNull('product_id')
  if (range.from) query.where('day', '>=', range.from)
  if (range.to) query.where('day', '<=', range.to)
  const rows = await query
  return rows.map((row: { day: string; score: number; missing: string | null }) => ({
    day: row.day,
    score: Number(row.score),
    missing: missingFrom(row.missing),
  }))
}

/** score_points.missing is "; "-separated reasons, null when the score is complete */
export function missingFrom(column: unknown): string[] {
  return column ? String(column).split('; ') : []
}

/**
 * The most recent scores of the organisation and of each of its
 * products, with their components (one query).
 */
export async function latestScores(organizationId: number): Promise<LatestScores> {
  const result = await db.rawQuery(
    `SELECT p.id AS product_id, p.name AS name, s.day AS day, s.score AS score, s.components AS components, s.missing AS missing,
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
    missing: missingFrom(row.missing),
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

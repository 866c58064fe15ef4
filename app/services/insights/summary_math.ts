import { ROLLUP_COLUMNS, type RollupSums } from '#services/insights/rollup_sql'
import { emptyPercentiles } from '#services/insights/percentiles'
import type {
  DurationMetric,
  MetricSummary,
  Percentiles,
  SeriesKey,
} from '#services/insights/types'

/**
 * Turns summed rollup columns into the KPIs. Means are sum of sums over
 * sum of counts, so they are exact over any range (percentiles come from
 * insight_durations, see percentiles.ts); rates are shares of
 * counts. Formulas are documented in docs/insights.md ("## Data").
 */
const HOUR = 3600

function round(value: number, digits = 1) {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

function meanHours(seconds: number, count: number) {
  return count > 0 ? round(seconds / count / HOUR) : null
}

function percent(part: number, whole: number) {
  return whole > 0 ? round((part * 100) / whole) : null
}

/** reads a raw row's numeric columns (PostgreSQL answers sums as strings) */
export function sumsFrom(row: Record<string, unknown> | undefined, prefix = ''): RollupSums {
  const sums = {} as RollupSums
  for (const column of ROLLUP_COLUMNS) sums[column] = Number(row?.[`${prefix}${column}`] ?? 0) || 0
  return sums
}

export function emptySums(): RollupSums {
  return sumsFrom(undefined)
}

export function addSums(target: RollupSums, other: RollupSums) {
  for (const column of ROLLUP_COLUMNS) target[column] += other[column]
  return target
}

export function summaryFromSums(
  sums: RollupSums,
  days: number,
  percentiles: Record<DurationMetric, Percentiles> = emptyPercentiles()
): MetricSummary {
  const weeks = Math.max(days, 1) / 7
  return {
    pullRequestsOpened: sums.prs_opened,
    pullRequestsMerged: sums.prs_merged,
    throughputPerWeek: round(sums.prs_merged / weeks),
    cycleTime: {
      codingHours: meanHours(sums.coding_seconds, sums.coding_count),
      pickupHours: meanHours(sums.pickup_seconds, sums.pickup_count),
      reviewHours: meanHours(sums.review_seconds, sums.review_count),
      deployHours: meanHours(sums.deploy_seconds, sums.deploy_count),
      totalHours: meanHours(sums.cycle_seconds, sums.cycle_count),
      deployedCount: sums.cycle_count,
      toMergeHours: meanHours(sums.merge_cycle_seconds, sums.merge_cycle_count),
      toMergeCount: sums.merge_cycle_count,
    },
    firstReviewHours: meanHours(sums.first_review_seconds, sums.first_review_count),
    prSizeLines: sums.size_count > 0 ? Math.round(sums.size_lines / sums.size_count) : null,
    deployments: sums.deployments,
    deploymentFrequencyPerWeek: round(sums.deployments / weeks),
    leadTimeHours: meanHours(sums.lead_time_seconds, sums.lead_time_count),
    leadTimeByPullRequest: sums.lead_time_pr_count,
    failedDeployments: sums.failed_deployments,
    changeFailureRate: percent(sums.failed_deployments, sums.deployments),
    timeToRestoreHours: meanHours(sums.restore_seconds, sums.restore_count),
    issuesOpened: sums.issues_opened,
    bugsOpened: sums.bugs_opened,
    bugRate: percent(sums.bugs_opened, sums.issues_opened),
    commits: sums.commits,
    aiAssistedCommits: sums.ai_commits,
    aiShare: percent(sums.ai_commits, sums.commits),
    percentiles,
  }
}

/** the plottable values of one bucket: durations are medians, the cycle phases means (they add up) */
export function seriesValues(summary: MetricSummary): Record<SeriesKey, number | null> {
  return {
    pullRequestsOpened: summary.pullRequestsOpened,
    pullRequestsMerged: summary.pullRequestsMerged,
    cycleTimeHours: summary.percentiles.cycle.median,
    codingHours: summary.cycleTime.codingHours,
    pickupHours: summary.cycleTime.pickupHours,
    reviewHours: summary.cycleTime.reviewHours,
    deployHours: summary.cycleTime.deployHours,
    firstReviewHours: summary.percentiles.first_review.median,
    prSizeLines: summary.prSizeLines,
    deployments: summary.deployments,
    leadTimeHours: summary.percentiles.lead_time.median,
    changeFailureRate: summary.changeFailureRate,
    timeToRestoreHours: summary.percentiles.restore.median,
    bugRate: summary.bugRate,
    commits: summary.commits,
    aiAssistedCommits: summary.aiAssistedCommits,
    aiShare: summary.aiShare,
  }
}

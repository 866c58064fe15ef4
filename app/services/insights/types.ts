/**
 * The shapes the insights pages read. Every read function in
 * metrics.ts, scores.ts and compliance.ts returns one of these, and each
 * is answered by one or two set-based queries over the daily rollup, so
 * a page's query count does not grow with the organisation's size.
 */

/** 'YYYY-MM-DD', a UTC calendar day */
export type Day = string

/**
 * What a page looks at: an organisation, optionally narrowed to one
 * product or one repository (internal ids, resolved from public ids by
 * the controller after the organisation check), over an inclusive range
 * of UTC days.
 */
export type InsightScope = {
  organizationId: number
  productId?: number | null
  repositoryId?: number | null
  from: Day
  to: Day
}

/** hours, or null when nothing in the range had the two moments */
export type Hours = number | null
/** 0–100, or null when the denominator is zero */
export type Percent = number | null

/**
 * Cycle time of the merged pull requests that have reached production:
 * first commit to deployment, per pull request, and its four phases over
 * the same pull requests (the phase means add up to the total mean).
 */
export type CycleTime = {
  codingHours: Hours
  pickupHours: Hours
  reviewHours: Hours
  deployHours: Hours
  /** mean first commit → production deployment */
  totalHours: Hours
  /** merged pull requests the total is measured over */
  deployedCount: number
  /** mean first commit → merge of pull requests in repositories that never deploy to production */
  toMergeHours: Hours
  toMergeCount: number
}

/** which durations are kept one per row, so their percentiles are exact over any range */
export type DurationMetric =
  | 'cycle'
  | 'merge_cycle'
  | 'coding'
  | 'pickup'
  | 'review'
  | 'deploy'
  | 'lead_time'
  | 'first_review'
  | 'restore'

/** the distribution of one duration over a range, in hours (0.1); nulls when nothing was measured */
export type Percentiles = { count: number; median: Hours; p75: Hours; p90: Hours }

/** One KPI object for a scope: see docs/insights.md "## Data" for the formulas. */
export type MetricSummary = {
  pullRequestsOpened: number
  /** merged pull requests: throughput */
  pullRequestsMerged: number
  throughputPerWeek: number
  cycleTime: CycleTime
  firstReviewHours: Hours
  /** mean additions + deletions of merged pull requests */
  prSizeLines: number | null
  deployments: number
  deploymentFrequencyPerWeek: number
  leadTimeHours: Hours
  /**
   * how many of the lead times were measured per pull request (its
   * repository has no commit ancestry) rather than per commit
   */
  leadTimeByPullRequest: number
  failedDeployments: number
  changeFailureRate: Percent
  timeToRestoreHours: Hours
  issuesOpened: number
  bugsOpened: number
  bugRate: Percent
  commits: number
  aiAssistedCommits: number
  aiShare: Percent
  /**
   * lines the AI share is counted over when it comes from the GBOM
   * composition (the Executive Summary), absent when it counts commits
   */
  aiCodeLines?: number
  /** those lines by origin, when the AI share comes from the composition */
  aiLines?: { ai: number; blended: number; human: number }
  /** median, 75th and 90th percentiles of each duration (the fields above are means) */
  percentiles: Record<DurationMetric, Percentiles>
}

export type MetricTrend = {
  current: MetricSummary
  previous: MetricSummary
  /** days of the previous period on or after the organisation's first day of data */
  previousDaysWithData: number
}

/** the values a chart or sparkline can plot, per day or per week */
export type SeriesKey =
  | 'pullRequestsOpened'
  | 'pullRequestsMerged'
  | 'cycleTimeHours'
  | 'codingHours'
  | 'pickupHours'
  | 'reviewHours'
  | 'deployHours'
  | 'firstReviewHours'
  | 'prSizeLines'
  | 'deployments'
  | 'leadTimeHours'
  | 'changeFailureRate'
  | 'timeToRestoreHours'
  | 'bugRate'
  | 'commits'
  | 'aiAssistedCommits'
  | 'aiShare'

/** one point per bucket, every bucket of the range present (empty ones are 0 or null) */
export type SeriesPoint = { day: Day; values: Record<SeriesKey, number | null> }

export type RepositoryMetrics = {
  repositoryId: number
  /** publicIds('repository'), for URLs and filters */
  publicId: string
  name: string
  fullName: string
  summary: MetricSummary
}

export type ProductMetrics = {
  productId: number
  publicId: string
  name: string
  repositoryCount: number
  /** repositories also in another product: products then add up to more than the organisation */
  sharedRepositoryCount: number
  summary: MetricSummary
}

export type Severity = 'critical' | 'high' | 'medium' | 'low'

/** age of an open vulnerability on the last day of the scope */
export type AgeBucket = 'under30' | 'from30to90' | 'from90to180' | 'over180'

export type VulnerabilityOverview = {
  total: number
  bySeverity: Record<
    Severity,
    { open: number; ages: Record<AgeBucket, number>; oldestDays: number | null }
  >
}

export type ContributorActivity = { login: string; pullRequests: number; commits: number }

export type ActiveContributors = { count: number; top: ContributorActivity[] }

export type AiComposition = {
  commits: number
  aiAssistedCommits: number
  share: Percent
  repositories: Array<{
    repositoryId: number
    publicId: string
    name: string
    commits: number
    aiAssistedCommits: number
    share: Percent
  }>
}

/** the metric keys scores are computed from (reference data uses the same keys) */
export type ScoreMetricKey =
  | 'cycle_time_hours'
  | 'first_review_hours'
  | 'pr_size_lines'
  | 'deployment_frequency_per_week'
  | 'lead_time_hours'
  | 'change_failure_rate'
  | 'time_to_restore_hours'
  | 'bug_rate'
  | 'ai_share'
  | 'open_vulnerabilities_per_repository'

export type ScoreComponent = {
  metric: ScoreMetricKey
  name: string
  value: number
  /** 0–100: the value's percentile rank among the reference records */
  score: number
  weight: number
}

/** `missing` names what an incomplete score lacks ("no deployments"); empty when complete */
export type ScorePoint = { day: Day; score: number; missing: string[] }

export type LatestScore = {
  day: Day
  score: number
  components: ScoreComponent[]
  missing: string[]
}

export type LatestScores = {
  organization: LatestScore | null
  products: Array<{ productId: number; publicId: string; name: string; latest: LatestScore | null }>
}

export type ControlStatus = 'met' | 'not_met' | 'no_data'

export type EvidenceKind = 'mfa' | 'vulnerability_sla' | 'status_checks' | 'documents'

export type EvidenceLink = { label: string; href: string }

export type ControlEvaluation = {
  code: string
  name: string
  description: string | null
  evidenceKind: EvidenceKind
  status: ControlStatus
  /** one plain sentence saying why */
  detail: string
  evidence: EvidenceLink[]
}

export type StandardEvaluation = {
  code: string
  name: string
  description: string | null
  url: string | null
  controls: ControlEvaluation[]
  met: number
  notMet: number
  noData: number
}

export type JurisdictionCompliance = {
  code: string
  name: string
  region: string | null
  summary: string | null
  authorities: string[]
  standards: StandardEvaluation[]
}

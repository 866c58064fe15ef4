import type { MetricSummary, SeriesKey, SeriesPoint } from '#services/insights/types'
import type { OpenWork } from '#services/insights/open_work'
import { sparkline } from '#services/charts/index'
import { formatHours, formatNumber, formatPercent } from '#services/insights_pages/format'

export type KpiDefinition = {
  key: string
  label: string
  /**
   * What a higher value means: "up" good (throughput), "down" good
   * (cycle time), "none" neither (PR opened).
   */
  better: 'up' | 'down' | 'none'
  unit: 'hours' | 'percent' | 'count' | 'rate' | 'lines'
  read: (summary: MetricSummary) => number | null
  /** how many events the value is computed from: too few in the previous period and there is no comparison */
  sample: (summary: MetricSummary) => number
  series: SeriesKey
  hint: string
  /** what is counted, from when to when, mean or median, what is left out: also in docs/insights.md */
  definition: string
}

/** fewer events than this in the previous period: "not enough data" instead of a change */
export const MINIMUM_COMPARISON_SAMPLE = 5

export const EXECUTIVE_KPIS: KpiDefinition[] = [
  {
    key: 'cycle_time',
    label: 'PR cycle time',
    better: 'down',
    unit: 'hours',
    read: (s) => s.percentiles.cycle.median,
    sample: (s) => s.percentiles.cycle.count,
    series: 'cycleTimeHours',
    hint: 'Median, per pull request, from first commit to production deployment',
    definition:
      'Median, per merged pull request of people (bots left out), from its first commit (or its opening when no commit is known) to the first successful production deployment of its repository at or after the merge; pull requests not deployed yet are left out, and those of repositories that never deploy are measured to merge and shown apart.',
  },
  {
    key: 'throughput',
    label: 'Merged PRs / week',
    better: 'up',
    unit: 'rate',
    read: (s) => s.throughputPerWeek,
    sample: (s) => s.pullRequestsMerged,
    series: 'pullRequestsMerged',
    hint: 'Throughput: pull requests merged per week',
    definition:
      'Pull requests of people merged in the period, per week (merged ÷ days × 7); under a week the count is shown as it is.',
  },
  {
    key: 'first_review',
    label: 'Time to first review',
    better: 'down',
    unit: 'hours',
    read: (s) => s.percentiles.first_review.median,
    sample: (s) => s.percentiles.first_review.count,
    series: 'firstReviewHours',
    hint: 'Median, from opening to the first review before the merge',
    definition:
      'Median, per pull request of people, from when it became ready for review (its opening, unless it was opened as a draft) to its first review, counted on the day of that review; a review made after the merge is no review, and pull requests still waiting are shown apart with their age. Calendar hours, or the organisation’s working days and hours in its time zone when it chooses so in its settings.',
  },
  {
    key: 'pr_size',
    label: 'PR size',
    better: 'down',
    unit: 'lines',
    read: (s) => s.prSizeLines,
    sample: (s) => s.pullRequestsMerged,
    series: 'prSizeLines',
    hint: 'Lines added and deleted per merged pull request',
    definition: 'Mean of lines added plus deleted per merged pull request of people.',
  },
  {
    key: 'deploy_frequency',
    label: 'Deploys / week',
    better: 'up',
    unit: 'rate',
    read: (s) => s.deploymentFrequencyPerWeek,
    sample: (s) => s.deployments,
    series: 'deployments',
    hint: 'DORA: deployment frequency',
    definition:
      'DORA deployment frequency: successful production deployments started in the period, per week. Production is an environment the organisation maps to production in its settings (by default production, prod, prd or live; any case, exact names), or none.',
  },
  {
    key: 'lead_time',
    label: 'Lead time for changes',
    better: 'down',
    unit: 'hours',
    read: (s) => s.percentiles.lead_time.median,
    sample: (s) => s.percentiles.lead_time.count,
    series: 'leadTimeHours',
    hint: 'DORA: median, commit to the production deployment that contains it',
    definition:
      'DORA lead time for changes: median, per commit, from the commit to the successful production deployment that first contains it (the deployment’s SHA has the commit as an ancestor), counted on the day of that deployment. Repositories whose code host gave no commit parents are measured per pull request, from its first commit to its first production deployment after the merge, and the card says how many were.',
  },
  {
    key: 'change_failure_rate',
    label: 'Change failure rate',
    better: 'down',
    unit: 'percent',
    read: (s) => s.changeFailureRate,
    sample: (s) => s.deployments,
    series: 'changeFailureRate',
    hint: 'DORA: deployments that caused a failure',
    definition:
      'DORA change failure rate: production deployments marked as causing a failure, that shipped a change (pull request or commit) an incident is linked to, or followed by an incident that names no change (opened within 24 hours by default, before the next deployment) ÷ production deployments.',
  },
  {
    key: 'time_to_restore',
    label: 'Time to restore',
    better: 'down',
    unit: 'hours',
    read: (s) => s.percentiles.restore.median,
    sample: (s) => s.percentiles.restore.count,
    series: 'timeToRestoreHours',
    hint: 'DORA: median, failed deployment’s start to its restore',
    definition:
      'DORA time to restore: median, per failed production deployment, from its start (when the failure went out) to its restore, and per incident from its opening to its resolution (counted on the day it was opened); a restore reported before the deployment finished is clamped to its finish when written, and unrestored failures are shown apart as open incidents with their age.',
  },
  {
    key: 'bug_rate',
    label: 'Bug rate',
    better: 'down',
    unit: 'percent',
    read: (s) => s.bugRate,
    sample: (s) => s.issuesOpened,
    series: 'bugRate',
    hint: 'Share of new issues that are bugs',
    definition: 'Issues of type bug opened in the period ÷ issues opened.',
  },
  {
    key: 'ai_share',
    label: 'AI-generated code',
    better: 'none',
    unit: 'percent',
    read: (s) => s.aiShare,
    sample: (s) => s.aiCodeLines ?? s.commits,
    series: 'aiShare',
    hint: 'Share of the code written by AI, alone or blended, from the GBOM composition',
    definition:
      "AI and blended lines ÷ every attributed line (AI, blended and human) of the organisation's (on a product's page, the product's) repositories, each repository as its latest GBOM composition point on or before the period's last day says (attestations, Git AI notes, the analyzer and commit trailers, the strongest source winning; docs/ai_code.md). Neither good nor bad: not scored.",
  },
]

export function formatKpi(unit: KpiDefinition['unit'], value: number | null) {
  if (unit === 'hours') return formatHours(value)
  if (unit === 'percent') return formatPercent(value)
  if (unit === 'lines') return value === null ? '–' : `${formatNumber(value, 0)} lines`
  return formatNumber(value)
}

/**
 * The unit a KPI's raw number is counted in, as written in CSV exports.
 */
const CSV_UNITS: Record<KpiDefinition['unit'], string> = {
  hours: 'hours',
  percent: 'percent',
  count: 'count',
  rate: 'per_week',
  lines: 'lines',
}

export type KpiCard = {
  key: string
  label: string
  /** hours, percent, count, per_week or lines (for exports) */
  unit: string
  hint: string
  value: string
  raw: number | null
  previous: number | null
  previousValue: string
  /**
   * "+12%" / "−3 pts" against the previous period, or null when either
   * side is missing.
   */
  delta: string | null
  direction: 'up' | 'down' | 'flat'
  tone: 'good' | 'bad' | 'neutral'
  deltaLabel: string
  /** the words shown instead of a change: "not enough data", "under a week", "no earlier data" */
  deltaNote: string
  definition: string
  /** what the figure leaves out, beside it: pull requests still waiting, open incidents */
  caption: string | null
  sparkline: string
}

/**
 * Time to first review and time to restore count finished work only:
 * their cards say what is still waiting, and for how long.
 */
export function openWorkCaptions(work: OpenWork | undefined): Record<string, string> {
  if (!work) return {}
  const captions: Record<string, string> = {}
  if (work.waitingForReview > 0) {
    captions.first_review = `${work.waitingForReview} waiting for review, the oldest for ${formatHours(work.oldestWaitingHours)}`
  }
  if (work.openIncidents > 0) {
    captions.time_to_restore = `${work.openIncidents} open incident${work.openIncidents === 1 ? '' : 's'}, the oldest for ${formatHours(work.oldestIncidentHours)}`
  }
  return captions
}

/**
 * Lead time is per commit where the code host gave commit parents; the
 * card says how many of its lead times fell back to per pull request.
 */
export function leadTimeCaption(summary: MetricSummary): Record<string, string> {
  const total = summary.percentiles.lead_time.count
  const byPullRequest = summary.leadTimeByPullRequest
  if (byPullRequest === 0 || total === 0) return {}
  return {
    lead_time:
      byPullRequest === total
        ? 'Measured per pull request: the code host gave no commit history'
        : `${byPullRequest} of ${total} measured per pull request (no commit history from their code host)`,
  }
}

/**
 * The change between two periods as people say it: percentages move by
 * points, everything else by a relative percentage.
 */
export function describeDelta(
  unit: KpiDefinition['unit'],
  current: number | null,
  previous: number | null
) {
  if (current === null || previous === null)
    return { delta: null, direction: 'flat' as const, change: 0 }
  const difference = current - previous
  if (unit === 'percent') {
    const points = Math.round(difference * 10) / 10
    return {
      delta: `${points > 0 ? '+' : points < 0 ? '−' : '±'}${Math.abs(points)} pts`,
      direction: points > 0 ? ('up' as const) : points < 0 ? ('down' as const) : ('flat' as const),
      change: points,
    }
  }
  if (previous === 0) {
    return current === 0
      ? { delta: '±0%', direction: 'flat' as const, change: 0 }
      : { delta: 'new', direction: 'up' as const, change: Infinity }
  }
  const relative = Math.round((difference / Math.abs(previous)) * 100)
  return {
    delta: `${relative > 0 ? '+' : relative < 0 ? '−' : '±'}${Math.abs(relative)}%`,
    direction:
      relative > 0 ? ('up' as const) : relative < 0 ? ('down' as const) : ('flat' as const),
    change: relative,
  }
}

export function kpiCards(
  definitions: KpiDefinition[],
  current: MetricSummary,
  previous: MetricSummary,
  series: SeriesPoint[],
  periodDays: number,
  options: { previousDaysWithData?: number; openWork?: OpenWork } = {}
): KpiCard[] {
  const captions = { ...openWorkCaptions(options.openWork), ...leadTimeCaption(current) }
  // a previous period the organisation's data does not wholly cover is not compared with
  const previousCovered = (options.previousDaysWithData ?? periodDays) >= periodDays
  const underAWeek = periodDays < 7
  return definitions.map((definition) => {
    // a range under a week is not extrapolated to a weekly rate: the count is shown as it is
    const counted = underAWeek && definition.unit === 'rate'
    const value = counted ? null : definition.read(current)
    const before = definition.read(previous)
    const comparable =
      !counted && previousCovered && definition.sample(previous) >= MINIMUM_COMPARISON_SAMPLE
    const { delta, direction } = comparable
      ? describeDelta(definition.unit, value, before)
      : { delta: null, direction: 'flat' as const }
    const tone =
      definition.better === 'none' || direction === 'flat'
        ? 'neutral'
        : (direction === 'up') === (definition.better === 'up')
          ? 'good'
          : 'bad'
    return {
      key: definition.key,
      label: definition.label,
      unit: CSV_UNITS[definition.unit],
      hint: definition.hint,
      definition: definition.definition,
      caption: captions[definition.key] ?? null,
      deltaNote: counted
        ? 'under a week'
        : !comparable && before !== null
          ? 'not enough data'
          : 'no earlier data',
      value: counted
        ? `${formatNumber(definition.sample(current), 0)} in ${periodDays} day${periodDays === 1 ? '' : 's'}`
        : formatKpi(definition.unit, value),
      raw: value,
      previous: before,
      previousValue: formatKpi(definition.unit, before),
      delta,
      direction,
      tone,
      deltaLabel: delta
        ? `${delta} versus the previous ${periodDays} days (${formatKpi(definition.unit, before)})`
        : counted
          ? 'Under a week: not extrapolated to a weekly rate'
          : !comparable && before !== null
            ? `Not enough data in the previous ${periodDays} days to compare`
            : 'No earlier data to compare with',
      sparkline: sparkline({
        title: `${definition.label}, trend`,
        labels: series.map((point) => point.day),
        values: series.map((point) => point.values[definition.series]),
        better: definition.better === 'none' ? undefined : definition.better,
        tone,
        format: (number) =>
          formatKpi(definition.unit === 'rate' ? 'count' : definition.unit, number),
      }).svg,
    }
  })
}

import type { MetricSummary, SeriesKey, SeriesPoint } from '#services/insights/types'
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
  series: SeriesKey
  hint: string
}

export const EXECUTIVE_KPIS: KpiDefinition[] = [
  {
    key: 'cycle_time',
    label: 'PR cycle time',
    better: 'down',
    unit: 'hours',
    read: (s) => s.cycleTime.totalHours,
    series: 'cycleTimeHours',
    hint: 'First commit to deploy, mean of merged pull requests',
  },
  {
    key: 'throughput',
    label: 'Merged PRs / week',
    better: 'up',
    unit: 'rate',
    read: (s) => s.throughputPerWeek,
    series: 'pullRequestsMerged',
    hint: 'Throughput: pull requests merged per week',
  },
  {
    key: 'first_review',
    label: 'Time to first review',
    better: 'down',
    unit: 'hours',
    read: (s) => s.firstReviewHours,
    series: 'firstReviewHours',
    hint: 'Opened to first review',
  },
  {
    key: 'pr_size',
    label: 'PR size',
    better: 'down',
    unit: 'lines',
    read: (s) => s.prSizeLines,
    series: 'prSizeLines',
    hint: 'Lines added and deleted per merged pull request',
  },
  {
    key: 'deploy_frequency',
    label: 'Deploys / week',
    better: 'up',
    unit: 'rate',
    read: (s) => s.deploymentFrequencyPerWeek,
    series: 'deployments',
    hint: 'DORA: deployment frequency',
  },
  {
    key: 'lead_time',
    label: 'Lead time for changes',
    better: 'down',
    unit: 'hours',
    read: (s) => s.leadTimeHours,
    series: 'leadTimeHours',
    hint: 'DORA: commit to running in production',
  },
  {
    key: 'change_failure_rate',
    label: 'Change failure rate',
    better: 'down',
    unit: 'percent',
    read: (s) => s.changeFailureRate,
    series: 'changeFailureRate',
    hint: 'DORA: deployments that caused a failure',
  },
  {
    key: 'time_to_restore',
    label: 'Time to restore',
    better: 'down',
    unit: 'hours',
    read: (s) => s.timeToRestoreHours,
    series: 'timeToRestoreHours',
    hint: 'DORA: failure to recovery',
  },
  {
    key: 'bug_rate',
    label: 'Bug rate',
    better: 'down',
    unit: 'percent',
    read: (s) => s.bugRate,
    series: 'bugRate',
    hint: 'Share of new issues that are bugs',
  },
  {
    key: 'ai_share',
    label: 'AI-assisted changes',
    better: 'none',
    unit: 'percent',
    read: (s) => s.aiShare,
    series: 'aiShare',
    hint: 'Share of commits made with an AI assistant',
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
  sparkline: string
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
  periodDays: number
): KpiCard[] {
  return definitions.map((definition) => {
    const value = definition.read(current)
    const before = definition.read(previous)
    const { delta, direction } = describeDelta(definition.unit, value, before)
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
      value: formatKpi(definition.unit, value),
      raw: value,
      previous: before,
      previousValue: formatKpi(definition.unit, before),
      delta,
      direction,
      tone,
      deltaLabel: delta
        ? `${delta} versus the previous ${periodDays} days (${formatKpi(definition.unit, before)})`
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

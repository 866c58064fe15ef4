import type { CsvCell } from '#services/insights_pages/csv'
import { formatHours } from '#services/insights_pages/format'
import type { MetricSummary } from '#services/insights/types'

/**
 * How tables show cycle time: the median of the pull requests that
 * reached production; for a scope whose repositories never deploy, the
 * median to merge, labelled so. The CSV carries median, p75, p90 and
 * mean, and the to-merge median apart.
 */
export function cycleTimeCell(summary: MetricSummary): string {
  const { cycle, merge_cycle: toMerge } = summary.percentiles
  if (cycle.count > 0) return formatHours(cycle.median)
  if (toMerge.count > 0) return `${formatHours(toMerge.median)} to merge`
  return formatHours(null)
}

export const CYCLE_TIME_CSV_COLUMNS = [
  'cycle_time_median_hours',
  'cycle_time_p75_hours',
  'cycle_time_p90_hours',
  'cycle_time_mean_hours',
  'cycle_time_to_merge_median_hours',
]

export function cycleTimeCsvValues(summary: MetricSummary): CsvCell[] {
  const { cycle, merge_cycle: toMerge } = summary.percentiles
  return [cycle.median, cycle.p75, cycle.p90, summary.cycleTime.totalHours, toMerge.median]
}

/**
 * The statistical pass of the daily contextualisation: a robust z-score
 * of each day's value against the same weekday of the trailing weeks
 * (Mondays against Mondays: weekends and release days do not look
 * anomalous), then runs of consecutive anomalous days of one metric in
 * one direction grouped into one finding. Pure: the caller reads the
 * daily series and the rows that explain them.
 */

/** the daily metrics the pass watches, as the rollup names them, and how they read */
export const WATCHED_METRICS = {
  deployments: 'deployments',
  prs_merged: 'merged pull requests',
  prs_opened: 'opened pull requests',
  commits: 'commits',
  failed_deployments: 'failed deployments',
  bugs_opened: 'bugs reported',
} as const

export type WatchedMetric = keyof typeof WATCHED_METRICS

/** |z| from which a day is anomalous (Iglewicz and Hoaglin's 3.5 for the modified z-score) */
export const Z_THRESHOLD = 3.5
/** weeks of the same weekday a day is compared with */
export const BASELINE_WEEKS = 8
/** fewer known earlier weeks than this, and the day is not judged */
export const MIN_BASELINE = 4

export function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/**
 * The modified z-score of `value` against `baseline`: (value − median) /
 * (1.4826 × MAD). A perfectly steady baseline (MAD 0) would make any
 * change infinite, so the scale is at least a tenth of the median and
 * at least 0.5 (half an event a day).
 */
export function robustZ(value: number, baseline: number[]) {
  const center = median(baseline)
  const mad = median(baseline.map((entry) => Math.abs(entry - center)))
  const scale = Math.max(1.4826 * mad, Math.abs(center) * 0.1, 0.5)
  return { z: (value - center) / scale, expected: center }
}

export type DayScore = { day: string; value: number; expected: number; z: number }

export type Run = {
  metric: WatchedMetric
  from: string
  to: string
  direction: 'up' | 'down'
  days: DayScore[]
  value: number
  expected: number
  /** the largest |z| of the run */
  score: number
}

function addDays(day: string, count: number) {
  const date = new Date(`${day}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + count)
  return date.toISOString().slice(0, 10)
}

/**
 * Scores each day of [from, to] (inclusive) in `series` (day → value,
 * missing days are 0) against the same weekday of the BASELINE_WEEKS
 * before it, known from `firstDay` on.
 */
export function scoreDays(
  series: Map<string, number>,
  range: { from: string; to: string; firstDay: string }
): DayScore[] {
  const scores: DayScore[] = []
  for (let day = range.from; day <= range.to; day = addDays(day, 1)) {
    const baseline: number[] = []
    for (let week = 1; week <= BASELINE_WEEKS; week++) {
      const earlier = addDays(day, -7 * week)
      if (earlier < range.firstDay) break
      baseline.push(series.get(earlier) ?? 0)
    }
    if (baseline.length < MIN_BASELINE) continue
    const value = series.get(day) ?? 0
    scores.push({ day, value, ...robustZ(value, baseline) })
  }
  return scores
}

/** consecutive anomalous days in one direction, each run one finding */
export function anomalousRuns(metric: WatchedMetric, scores: DayScore[]): Run[] {
  const runs: Run[] = []
  let current: Run | null = null
  for (const score of scores) {
    const direction = score.z >= Z_THRESHOLD ? 'up' : score.z <= -Z_THRESHOLD ? 'down' : null
    if (
      direction &&
      current &&
      current.direction === direction &&
      addDays(current.to, 1) === score.day
    ) {
      current.to = score.day
      current.days.push(score)
      continue
    }
    if (current) runs.push(current)
    current = direction
      ? {
          metric,
          from: score.day,
          to: score.day,
          direction,
          days: [score],
          value: 0,
          expected: 0,
          score: 0,
        }
      : null
  }
  if (current) runs.push(current)
  for (const run of runs) {
    run.value = run.days.reduce((sum, day) => sum + day.value, 0)
    run.expected = run.days.reduce((sum, day) => sum + day.expected, 0)
    run.score = Math.max(...run.days.map((day) => Math.abs(day.z)))
  }
  return runs
}

/** "deployments were 50% below usual from 2026-03-02 to 2026-03-08 (35 against 70)" */
export function describeRun(run: Run) {
  const change =
    run.expected === 0
      ? null
      : Math.round((Math.abs(run.value - run.expected) / run.expected) * 100)
  const when = run.from === run.to ? `on ${run.from}` : `from ${run.from} to ${run.to}`
  const how =
    change === null
      ? run.direction === 'up'
        ? 'above usual'
        : 'below usual'
      : `${change}% ${run.direction === 'up' ? 'above' : 'below'} usual`
  return `${WATCHED_METRICS[run.metric][0].toUpperCase()}${WATCHED_METRICS[run.metric].slice(1)} were ${how} ${when} (${run.value} against ${Math.round(run.expected * 10) / 10} on the same weekdays of earlier weeks).`
}

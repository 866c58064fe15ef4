import { aiSharePercent } from '#services/ai_code/composition'
import { DateTime } from 'luxon'
import type {
  MetricSummary,
  SeriesPoint,
  Severity,
  VulnerabilityOverview,
} from '#services/insights/types'
import {
  barChart,
  donutChart,
  lineChart,
  renderFigure,
  stackedBarChart,
} from '#services/charts/index'
import type { VulnerabilityTrend } from '#queries/vulnerability_trend'
import type { KpiCard } from '#services/insights_pages/kpis'
import type { DateRange } from '#services/insights_pages/date_range'
import { csvNumber, formatNumber, formatPercent } from '#services/insights_pages/format'
import { drillQuery, type PageTable } from '#services/insights_pages/tables'

/**
 * Charts and tables shared by the Executive Summary and Product Detail.
 * Widths match the panels they sit in (a full-width row, or a third of
 * it), so text inside the SVG renders at its intended size.
 */
export const WIDE = 1000
export const NARROW = 400

const SEVERITIES: { key: Severity; label: string }[] = [
  { key: 'critical', label: 'Critical' },
  { key: 'high', label: 'High' },
  { key: 'medium', label: 'Medium' },
  { key: 'low', label: 'Low' },
]

/**
 * Where a page's charts link to: the drill-down lists of its period,
 * narrowed to its product (or team) when it has one.
 */
export type ChartDrill = {
  range: { from: string; to: string }
  filters?: Record<string, string>
}

/** a list's URL for a span of days, with the page's filters */
export function listHref(
  path: string,
  span: { from: string; to: string },
  drill: ChartDrill,
  extra: Record<string, string> = {}
) {
  return `${path}${drillQuery(span, { ...drill.filters, ...extra })}`
}

/**
 * The days each point of a series stands for: from its own day to the
 * day before the next point (a week's bucket starts on its Monday, or
 * on the period's first day), the last one to the period's end.
 */
export function bucketSpans(series: SeriesPoint[], range: { to: string }) {
  return series.map((point, index) => {
    const next = series[index + 1]?.day
    const to = next
      ? DateTime.fromISO(next, { zone: 'utc' }).minus({ days: 1 }).toISODate()!
      : range.to
    return { from: point.day, to }
  })
}

function pointLinks(
  series: SeriesPoint[],
  drill: ChartDrill | undefined,
  path: string,
  extra: Record<string, string> = {}
) {
  if (!drill) return undefined
  return bucketSpans(series, drill.range).map((span) => listHref(path, span, drill, extra))
}

export function deliveryFigure(series: SeriesPoint[], drill?: ChartDrill) {
  return renderFigure(
    lineChart({
      title: 'Delivery: merged pull requests and deployments',
      labels: series.map((point) => point.day),
      series: [
        {
          name: 'Merged PRs',
          values: series.map((point) => point.values.pullRequestsMerged),
          links: pointLinks(series, drill, '/insights/pull-requests'),
        },
        {
          name: 'Deployments',
          values: series.map((point) => point.values.deployments),
          links: pointLinks(series, drill, '/insights/deployments'),
        },
      ],
      area: true,
      width: WIDE,
      height: 260,
    })
  )
}

export function cycleTimeTrendFigure(series: SeriesPoint[], drill?: ChartDrill) {
  return renderFigure(
    lineChart({
      title: 'Cycle time and time to first review (hours)',
      labels: series.map((point) => point.day),
      series: [
        {
          name: 'Cycle time',
          values: series.map((point) => point.values.cycleTimeHours),
          links: pointLinks(series, drill, '/insights/pull-requests'),
        },
        {
          name: 'First review',
          values: series.map((point) => point.values.firstReviewHours),
          links: pointLinks(series, drill, '/insights/first-reviews'),
        },
      ],
      format: (hours) => formatNumber(hours),
      width: WIDE,
      height: 260,
    })
  )
}

/**
 * Where the time of a pull request goes: coding, waiting for review,
 * review, waiting to deploy; one bar per row.
 */
export function cycleSplitFigure(
  rows: { name: string; summary: MetricSummary; href?: string | null }[],
  width: number = NARROW
) {
  return renderFigure(
    stackedBarChart({
      title: 'Cycle time split (hours)',
      categories: rows.map((row) => row.name),
      links: rows.some((row) => row.href) ? rows.map((row) => row.href ?? null) : undefined,
      segments: [
        { name: 'Coding', values: rows.map((row) => row.summary.cycleTime.codingHours ?? 0) },
        { name: 'Pickup', values: rows.map((row) => row.summary.cycleTime.pickupHours ?? 0) },
        { name: 'Review', values: rows.map((row) => row.summary.cycleTime.reviewHours ?? 0) },
        { name: 'Deploy', values: rows.map((row) => row.summary.cycleTime.deployHours ?? 0) },
      ],
      format: (hours) => formatNumber(hours),
      width,
    })
  )
}

export function vulnerabilityFigure(overview: VulnerabilityOverview, drill?: ChartDrill) {
  return renderFigure(
    barChart({
      title: 'Open vulnerabilities by severity',
      bars: SEVERITIES.map(({ key, label }) => ({
        label,
        value: overview.bySeverity[key].open,
        className: `chart-sev-${key}`,
        href: drill
          ? listHref('/insights/vulnerabilities', drill.range, drill, { severity: key })
          : null,
      })),
      width: NARROW,
    })
  )
}

/**
 * Open vulnerabilities at the end of each day or week and those fixed
 * in it; an open point opens the list of that day's open ones.
 */
export function vulnerabilityTrendFigure(trend: VulnerabilityTrend, drill?: ChartDrill) {
  return renderFigure(
    lineChart({
      title: 'Vulnerabilities: open and fixed over time',
      labels: trend.points.map((point) => point.from),
      series: [
        {
          name: 'Open',
          values: trend.points.map((point) => point.open),
          links: drill
            ? trend.points.map((point) => listHref('/insights/vulnerabilities', point, drill))
            : undefined,
        },
        { name: 'Fixed', values: trend.points.map((point) => point.fixed) },
      ],
      width: WIDE,
      height: 220,
    })
  )
}

/** "mean 12.5 days (median 9 days) over 14 fixed", or why there is none */
export function remediationSummary(trend: VulnerabilityTrend) {
  if (trend.fixedInPeriod === 0) return 'No vulnerability was fixed in this period.'
  return `Time to remediate: mean ${formatNumber(trend.meanDaysToRemediate)} days, median ${formatNumber(trend.medianDaysToRemediate)} days, over ${trend.fixedInPeriod} fixed in this period (introduced to fixed).`
}

export function vulnerabilityTable(
  overview: VulnerabilityOverview,
  range?: { from: string; to: string },
  productPublicId?: string
): PageTable {
  const row = (key: Severity) => overview.bySeverity[key]
  return {
    name: 'vulnerabilities',
    title: 'Open vulnerabilities by severity and age',
    columns: [
      'Severity',
      'Open',
      'Under 30 days',
      '30–90 days',
      '90–180 days',
      'Over 180 days',
      'Oldest (days)',
    ],
    cells: SEVERITIES.map(({ key, label }) => [
      label,
      formatNumber(row(key).open, 0),
      formatNumber(row(key).ages.under30, 0),
      formatNumber(row(key).ages.from30to90, 0),
      formatNumber(row(key).ages.from90to180, 0),
      formatNumber(row(key).ages.over180, 0),
      formatNumber(row(key).oldestDays, 0),
    ]),
    values: SEVERITIES.map(({ key, label }) => [
      label,
      row(key).open,
      row(key).ages.under30,
      row(key).ages.from30to90,
      row(key).ages.from90to180,
      row(key).ages.over180,
      row(key).oldestDays,
    ]),
    drill: range
      ? SEVERITIES.map(
          ({ key }) =>
            `/insights/vulnerabilities${drillQuery(range, {
              severity: key,
              ...(productPublicId ? { product: productPublicId } : {}),
            })}`
        )
      : undefined,
    empty: 'No open vulnerability.',
  }
}

/**
 * The GenAI composition of the code (docs/ai_code.md): AI, blended and
 * human lines of the scope's repositories at the period's end, the
 * centre their AI share; each slice opens the AI Code Monitor.
 */
export function aiFigure(lines: { ai: number; blended: number; human: number } | undefined) {
  const all = lines ?? { ai: 0, blended: 0, human: 0 }
  const attributed = all.ai + all.blended + all.human
  return renderFigure(
    donutChart({
      title: 'GenAI composition of the code (lines)',
      slices: [
        { name: 'AI', value: all.ai, className: 'chart-ai', href: '/ai-code' },
        { name: 'Blended', value: all.blended, className: 'chart-blended', href: '/ai-code' },
        { name: 'Human', value: all.human, className: 'chart-human', href: '/ai-code' },
      ],
      centre: attributed === 0 ? '–' : formatPercent(aiSharePercent(all)),
    })
  )
}

function changeRatio(current: number | null, previous: number | null) {
  if (current === null || previous === null || previous === 0) return null
  return Math.round(((current - previous) / Math.abs(previous)) * 10_000) / 10_000
}

export function kpiTable(cards: KpiCard[], range: DateRange): PageTable {
  return {
    name: 'kpis',
    title: 'Key indicators',
    columns: [
      'Indicator',
      `This period (${range.from} to ${range.to})`,
      'Previous period',
      'Change',
    ],
    // The export holds numbers only: the unit in its own column and the
    // change as a ratio (0.2 for "+20%"), so no cell needs a formula guard.
    csvColumns: ['indicator', 'key', 'unit', 'this_period', 'previous_period', 'change_ratio'],
    cells: cards.map((card) => [card.label, card.value, card.previousValue, card.delta ?? '–']),
    values: cards.map((card) => [
      card.label,
      card.key,
      card.unit,
      csvNumber(card.raw),
      csvNumber(card.previous),
      changeRatio(card.raw, card.previous),
    ]),
    empty: 'No data.',
  }
}

/**
 * A score's daily history on a fixed 0–100 axis.
 */
export function scoreHistoryFigure(title: string, history: { day: string; score: number }[]) {
  return renderFigure(
    lineChart({
      title,
      labels: history.map((point) => point.day),
      series: [{ name: 'Score', values: history.map((point) => point.score) }],
      domain: [0, 100],
      area: true,
      width: NARROW,
      height: 170,
    })
  )
}

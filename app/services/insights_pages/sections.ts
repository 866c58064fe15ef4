import type {
  AiComposition,
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

export function deliveryFigure(series: SeriesPoint[]) {
  return renderFigure(
    lineChart({
      title: 'Delivery: merged pull requests and deployments',
      labels: series.map((point) => point.day),
      series: [
        { name: 'Merged PRs', values: series.map((point) => point.values.pullRequestsMerged) },
        { name: 'Deployments', values: series.map((point) => point.values.deployments) },
      ],
      area: true,
      width: WIDE,
      height: 260,
    })
  )
}

export function cycleTimeTrendFigure(series: SeriesPoint[]) {
  return renderFigure(
    lineChart({
      title: 'Cycle time and time to first review (hours)',
      labels: series.map((point) => point.day),
      series: [
        { name: 'Cycle time', values: series.map((point) => point.values.cycleTimeHours) },
        { name: 'First review', values: series.map((point) => point.values.firstReviewHours) },
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
  rows: { name: string; summary: MetricSummary }[],
  width: number = NARROW
) {
  return renderFigure(
    stackedBarChart({
      title: 'Cycle time split (hours)',
      categories: rows.map((row) => row.name),
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

export function vulnerabilityFigure(overview: VulnerabilityOverview) {
  return renderFigure(
    barChart({
      title: 'Open vulnerabilities by severity',
      bars: SEVERITIES.map(({ key, label }) => ({
        label,
        value: overview.bySeverity[key].open,
        className: `chart-sev-${key}`,
      })),
      width: NARROW,
    })
  )
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

export function aiFigure(ai: Pick<AiComposition, 'commits' | 'aiAssistedCommits' | 'share'>) {
  return renderFigure(
    donutChart({
      title: 'GenAI composition of commits',
      slices: [
        { name: 'AI-assisted', value: ai.aiAssistedCommits, className: 'chart-ai' },
        {
          name: 'Other',
          value: Math.max(0, ai.commits - ai.aiAssistedCommits),
          className: 'chart-human',
        },
      ],
      centre: formatPercent(ai.share),
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

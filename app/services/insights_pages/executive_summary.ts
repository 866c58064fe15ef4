import {
  CYCLE_TIME_CSV_COLUMNS,
  cycleTimeCell,
  cycleTimeCsvValues,
} from '#services/insights_pages/cycle_columns'
import {
  activeContributors,
  dailySeries,
  summarizeByProduct,
  summarizeTrend,
  vulnerabilityOverview,
} from '#services/insights/metrics'
import { scoreHistory } from '#services/insights/scores'
import { openWork } from '#services/insights/open_work'
import { vulnerabilityTrend } from '#queries/vulnerability_trend'
import { cachedInsight } from '#services/insights/cache'
import { withCompositionShare } from '#services/insights_pages/composition_share'
import { compositionsOn } from '#queries/ai_code_share'
import type { InsightScope, ScorePoint } from '#services/insights/types'
import { gauge } from '#services/charts/index'
import { EXECUTIVE_KPIS, kpiCards, type KpiCard } from '#services/insights_pages/kpis'
import { topRisks, type Risk } from '#services/insights_pages/risks'
import type { DateRange } from '#services/insights_pages/date_range'
import {
  aiFigure,
  cycleSplitFigure,
  deliveryFigure,
  bucketSpans,
  kpiTable,
  listHref,
  remediationSummary,
  vulnerabilityTrendFigure,
  scoreHistoryFigure,
  type ChartDrill,
  vulnerabilityFigure,
  vulnerabilityTable,
} from '#services/insights_pages/sections'
import { csvNumber, formatNumber, formatPercent } from '#services/insights_pages/format'
import { drillQuery, type PageTable } from '#services/insights_pages/tables'

export type ExecutiveSummary = {
  hasData: boolean
  cards: KpiCard[]
  score: {
    value: number | null
    day: string | null
    /** why there is no number: incomplete (what is missing), or no score in the period */
    note: string | null
    gauge: string
    history: string
  }
  risks: Risk[]
  contributors: number
  figures: {
    delivery: string
    cycleSplit: string
    vulnerabilities: string
    vulnerabilityTrend: string
    ai: string
  }
  /** mean and median time to remediate of the vulnerabilities fixed in the period */
  remediation: string
  tables: PageTable[]
}

/**
 * Everything the Executive Summary shows for one organisation and
 * period, from a fixed number of set-based queries (whatever the number
 * of repositories or products), cached per organisation until the next
 * sync or score run.
 */
export function executiveSummary(organizationId: number, range: DateRange) {
  return cachedInsight(
    organizationId,
    // v3: the AI share comes from the GBOM composition; one cached by an
    // earlier version (trailers) is not read after an upgrade
    'executive-summary-v4',
    { from: range.from, to: range.to },
    () => buildExecutiveSummary(organizationId, range)
  )
}

async function buildExecutiveSummary(
  organizationId: number,
  range: DateRange
): Promise<ExecutiveSummary> {
  const scope: InsightScope = { organizationId, from: range.from, to: range.to }
  // Seven queries whatever the size of the organisation; the score is
  // the last point of the period's history, the GenAI split comes from
  // the period's totals (per-product scores are on the Products page).
  const [trend, series, vulnerabilities, contributors, products, history, work] = await Promise.all(
    [
      summarizeTrend(scope),
      dailySeries(scope, { bucket: range.days > 45 ? 'week' : 'day' }),
      vulnerabilityOverview(scope),
      activeContributors(scope, { limit: 1 }),
      summarizeByProduct(scope),
      scoreHistory(organizationId, null, range),
      openWork({ organizationId }),
    ]
  )
  const { current, previous } = await withCompositionShare(scope, range, trend, series)
  // the products' AI share, like the card's: their repositories' composition at the period's end
  const compositions = await compositionsOn(organizationId, range.to)
  const productShare = (productId: number) => compositions.products.get(productId)?.share ?? null
  const drill: ChartDrill = { range }
  // open / fixed per point of the delivery chart, and time to remediate
  const remediation = await vulnerabilityTrend(scope, bucketSpans(series, range))
  const cards = kpiCards(EXECUTIVE_KPIS, current, previous, series, range.days, {
    previousDaysWithData: trend.previousDaysWithData,
    openWork: work,
  })
  const latest = history.at(-1) ?? null
  // an incomplete score is named, never shown as a number
  const organizationScore = latest && latest.missing.length === 0 ? latest : null
  const completeHistory = history.filter((point) => point.missing.length === 0)

  const productTable: PageTable = {
    name: 'products',
    title: 'Products',
    columns: [
      'Product',
      'Repositories',
      'Merged PRs',
      'Cycle time',
      'Deploys / week',
      'Change failure rate',
      'AI share (lines)',
    ],
    csvColumns: [
      'product',
      'repositories',
      'merged_prs',
      ...CYCLE_TIME_CSV_COLUMNS,
      'deploys_per_week',
      'change_failure_rate_percent',
      'ai_share_percent',
    ],
    cells: products.map((product) => [
      product.name,
      formatNumber(product.repositoryCount, 0),
      formatNumber(product.summary.pullRequestsMerged, 0),
      cycleTimeCell(product.summary),
      formatNumber(product.summary.deploymentFrequencyPerWeek),
      formatPercent(product.summary.changeFailureRate),
      formatPercent(productShare(product.productId)),
    ]),
    values: products.map((product) => [
      product.name,
      product.repositoryCount,
      product.summary.pullRequestsMerged,
      ...cycleTimeCsvValues(product.summary),
      csvNumber(product.summary.deploymentFrequencyPerWeek),
      csvNumber(product.summary.changeFailureRate),
      csvNumber(productShare(product.productId)),
    ]),
    links: products.map((product) => `/insights/products/${product.publicId}`),
    drill: products.map(
      (product) => `/insights/pull-requests${drillQuery(range, { product: product.publicId })}`
    ),
    empty: 'No product yet: group repositories into products under Products.',
  }

  const hasData =
    current.pullRequestsOpened +
      current.pullRequestsMerged +
      current.commits +
      current.deployments +
      current.issuesOpened +
      vulnerabilities.total >
    0

  return {
    hasData,
    cards,
    score: {
      value: organizationScore?.score ?? null,
      day: latest?.day ?? null,
      note: scoreNote(latest),
      gauge: gauge({
        title: 'Organisation score',
        value: organizationScore?.score ?? null,
        label:
          latest && !organizationScore
            ? 'Incomplete'
            : scoreLabel(organizationScore?.score ?? null),
      }).svg,
      history: scoreHistoryFigure('Organisation score history', completeHistory),
    },
    risks: topRisks({
      current,
      previous,
      vulnerabilities,
      scoreHistory: completeHistory,
      periodDays: range.days,
      exposure: remediation.exposure,
    }),
    contributors: contributors.count,
    remediation: remediationSummary(remediation),
    figures: {
      delivery: deliveryFigure(series, drill),
      cycleSplit: cycleSplitFigure([
        {
          name: 'This period',
          summary: current,
          href: listHref('/insights/pull-requests', range, drill),
        },
        {
          name: 'Previous period',
          summary: previous,
          href: listHref('/insights/pull-requests', range.previous, drill),
        },
      ]),
      vulnerabilities: vulnerabilityFigure(vulnerabilities, drill),
      vulnerabilityTrend: vulnerabilityTrendFigure(remediation, drill),
      ai: aiFigure(current.aiLines),
    },
    tables: [kpiTable(cards, range), productTable, vulnerabilityTable(vulnerabilities, range)],
  }
}

/** what to say instead of a score: what an incomplete one lacks, or that none falls in the period */
export function scoreNote(latest: ScorePoint | null): string | null {
  if (!latest) {
    return 'No score falls in this period. Scores are computed once a day by node ace calculate:scores against reference data.'
  }
  if (latest.missing.length > 0) return `Incomplete: ${latest.missing.join('; ')}.`
  return null
}

export function scoreLabel(score: number | null) {
  if (score === null) return 'Not scored yet'
  if (score >= 75) return 'Strong'
  if (score >= 50) return 'Fair'
  return 'Needs attention'
}

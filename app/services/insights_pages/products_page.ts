import db from '@adonisjs/lucid/services/db'
import {
  CYCLE_TIME_CSV_COLUMNS,
  cycleTimeCell,
  cycleTimeCsvValues,
} from '#services/insights_pages/cycle_columns'
import {
  activeContributors,
  dailySeries,
  summarizeByProduct,
  summarizeByRepository,
  summarizeTrend,
  vulnerabilityOverview,
} from '#services/insights/metrics'
import { latestScores, scoreHistory } from '#services/insights/scores'
import { openWork } from '#services/insights/open_work'
import { cachedInsight } from '#services/insights/cache'
import type { InsightScope } from '#services/insights/types'
import { publicIds } from '#services/public_id'
import { gauge } from '#services/charts/index'
import { findOrganizationProduct } from '#queries/products'
import type { DateRange } from '#services/insights_pages/date_range'
import { scoreLabel, scoreNote } from '#services/insights_pages/executive_summary'
import { EXECUTIVE_KPIS, kpiCards } from '#services/insights_pages/kpis'
import { withCompositionShare } from '#services/insights_pages/composition_share'
import { compositionsOn } from '#queries/ai_code_share'
import { genaiRepositoryTable } from '#services/insights_pages/genai_table'
import {
  aiFigure,
  cycleSplitFigure,
  cycleTimeTrendFigure,
  deliveryFigure,
  kpiTable,
  bucketSpans,
  listHref,
  remediationSummary,
  scoreHistoryFigure,
  type ChartDrill,
  WIDE,
  vulnerabilityTrendFigure,
  vulnerabilityFigure,
  vulnerabilityTable,
} from '#services/insights_pages/sections'
import {
  csvNumber,
  formatHours,
  formatNumber,
  formatPercent,
} from '#services/insights_pages/format'
import { drillQuery, type PageTable } from '#services/insights_pages/tables'
import { linkedIssues } from '#services/insights/linked_issues'
import { productIssueTables } from '#services/insights_pages/product_issue_tables'
import { issueProjectChoices } from '#services/insights_pages/product_issue_choices'
import { vulnerabilityTrend } from '#queries/vulnerability_trend'

/**
 * The product list: every product with its headline numbers (one query
 * for the metrics, one for the scores).
 */
export function productList(organizationId: number, range: DateRange) {
  return cachedInsight(
    organizationId,
    'products-v2',
    { from: range.from, to: range.to },
    async () => {
      const scope = { organizationId, from: range.from, to: range.to }
      const [products, latest, compositions] = await Promise.all([
        summarizeByProduct(scope),
        latestScores(organizationId),
        compositionsOn(organizationId, range.to),
      ])
      // the AI share of the code (docs/ai_code.md), at the period's end
      const productShare = (productId: number) =>
        compositions.products.get(productId)?.share ?? null
      const scores = new Map(
        latest.products.map((entry) => [
          entry.productId,
          entry.latest && entry.latest.missing.length === 0 ? entry.latest.score : null,
        ])
      )
      const incomplete = new Set(
        latest.products
          .filter((entry) => entry.latest && entry.latest.missing.length > 0)
          .map((entry) => entry.productId)
      )
      const scoreCell = (productId: number) =>
        incomplete.has(productId) ? 'Incomplete' : String(scores.get(productId) ?? '–')
      const shared = products.some((product) => product.sharedRepositoryCount > 0)
      const table: PageTable = {
        name: 'products',
        title: 'Products',
        columns: [
          'Product',
          'Repositories',
          'Score',
          'Merged PRs',
          'Cycle time',
          'First review',
          'Deploys / week',
          'Change failure rate',
          'Bug rate',
          'AI share (lines)',
        ],
        csvColumns: [
          'product',
          'repositories',
          'score',
          'merged_prs',
          ...CYCLE_TIME_CSV_COLUMNS,
          'first_review_median_hours',
          'deploys_per_week',
          'change_failure_rate_percent',
          'bug_rate_percent',
          'ai_share_percent',
        ],
        cells: products.map((product) => [
          product.sharedRepositoryCount > 0 ? `${product.name} *` : product.name,
          formatNumber(product.repositoryCount, 0),
          scoreCell(product.productId),
          formatNumber(product.summary.pullRequestsMerged, 0),
          cycleTimeCell(product.summary),
          formatHours(product.summary.percentiles.first_review.median),
          formatNumber(product.summary.deploymentFrequencyPerWeek),
          formatPercent(product.summary.changeFailureRate),
          formatPercent(product.summary.bugRate),
          formatPercent(productShare(product.productId)),
        ]),
        values: products.map((product) => [
          product.name,
          product.repositoryCount,
          scores.get(product.productId) ?? null,
          product.summary.pullRequestsMerged,
          ...cycleTimeCsvValues(product.summary),
          csvNumber(product.summary.percentiles.first_review.median),
          csvNumber(product.summary.deploymentFrequencyPerWeek),
          csvNumber(product.summary.changeFailureRate),
          csvNumber(product.summary.bugRate),
          csvNumber(productShare(product.productId)),
        ]),
        links: products.map((product) => `/insights/products/${product.publicId}`),
        empty: 'No product yet.',
        note: shared
          ? '* Shares repositories with another product: those repositories count in each, so products add up to more than the organisation.'
          : undefined,
      }
      return {
        count: products.length,
        figure: products.length
          ? cycleSplitFigure(
              products.map((product) => ({
                name: product.name,
                summary: product.summary,
                href: `/insights/pull-requests${drillQuery(range, { product: product.publicId })}`,
              })),
              WIDE
            )
          : null,
        tables: [table],
      }
    }
  )
}

/**
 * One product's page: its KPIs against the previous period, trends,
 * cycle-time split, repositories, contributors, GenAI composition and
 * score. The product is looked up in the organisation first (404 for
 * any other).
 */
export async function productDetail(
  organizationId: number,
  productPublicId: string,
  range: DateRange,
  options: { perPersonFigures: boolean } = { perPersonFigures: false }
) {
  const product = await findOrganizationProduct(organizationId, productPublicId)
  const data = await cachedInsight(
    organizationId,
    // v6: issue, flow and sprint tables; vulnerabilities over time; every AI share from the GBOM
    // composition; the issue KPIs count the product's Jira projects and components
    'product-v6',
    { product: product.id, from: range.from, to: range.to },
    () =>
      buildProductDetail(
        { organizationId, productId: product.id, from: range.from, to: range.to },
        range
      )
  )
  return {
    product: { publicId: product.publicId, name: product.name, description: product.description },
    ...data,
    // the most active contributors are per-person figures: left out (page and export) unless allowed
    tables: options.perPersonFigures
      ? data.tables
      : data.tables.filter((table) => table.name !== 'contributors'),
  }
}

async function buildProductDetail(scope: InsightScope, range: DateRange) {
  const [
    trend,
    series,
    repositories,
    contributors,
    compositions,
    vulnerabilities,
    history,
    work,
    issues,
  ] = await Promise.all([
    summarizeTrend(scope),
    dailySeries(scope, { bucket: range.days > 45 ? 'week' : 'day' }),
    summarizeByRepository(scope),
    activeContributors(scope, { limit: 10 }),
    compositionsOn(scope.organizationId, range.to),
    vulnerabilityOverview(scope),
    scoreHistory(scope.organizationId, scope.productId!, range),
    openWork(scope),
    linkedIssues(scope),
  ])
  const issueTables = await productIssueTables(scope)
  const shared = await withCompositionShare(scope, range, trend, series)
  // the Executive Summary's open / fixed trend, fenced to the product's repositories (#17)
  const remediation = await vulnerabilityTrend(scope, bucketSpans(series, range))
  const repositoryShare = (repositoryId: number) =>
    compositions.repositories.get(repositoryId)?.share ?? null
  const cards = kpiCards(EXECUTIVE_KPIS, shared.current, shared.previous, series, range.days, {
    previousDaysWithData: trend.previousDaysWithData,
    openWork: work,
  })
  const latest = history.at(-1) ?? null
  const score = latest && latest.missing.length === 0 ? latest : null
  const drill: ChartDrill = {
    range,
    filters: { product: publicIds('product').encode(scope.productId!) },
  }
  const repositoryTable: PageTable = {
    name: 'repositories',
    title: 'Repositories',
    columns: [
      'Repository',
      'Merged PRs',
      'Cycle time',
      'First review',
      'PR size',
      'Deploys',
      'Commits',
      'AI share (lines)',
    ],
    csvColumns: [
      'repository',
      'merged_prs',
      ...CYCLE_TIME_CSV_COLUMNS,
      'first_review_median_hours',
      'pr_size_lines',
      'deploys',
      'commits',
      'ai_share_percent',
    ],
    cells: repositories.map((repository) => [
      repository.fullName,
      formatNumber(repository.summary.pullRequestsMerged, 0),
      cycleTimeCell(repository.summary),
      formatHours(repository.summary.percentiles.first_review.median),
      formatNumber(repository.summary.prSizeLines, 0),
      formatNumber(repository.summary.deployments, 0),
      formatNumber(repository.summary.commits, 0),
      formatPercent(repositoryShare(repository.repositoryId)),
    ]),
    values: repositories.map((repository) => [
      repository.fullName,
      repository.summary.pullRequestsMerged,
      ...cycleTimeCsvValues(repository.summary),
      csvNumber(repository.summary.percentiles.first_review.median),
      csvNumber(repository.summary.prSizeLines, 0),
      repository.summary.deployments,
      repository.summary.commits,
      csvNumber(repositoryShare(repository.repositoryId)),
    ]),
    drill: repositories.map(
      (repository) =>
        `/insights/pull-requests${drillQuery(range, { repository: repository.publicId })}`
    ),
    empty: 'No repository in this product yet.',
  }
  const contributorTable: PageTable = {
    name: 'contributors',
    title: `Most active contributors (${contributors.count} in all)`,
    columns: ['Contributor', 'Pull requests', 'Commits'],
    cells: contributors.top.map((person) => [
      person.login,
      formatNumber(person.pullRequests, 0),
      formatNumber(person.commits, 0),
    ]),
    values: contributors.top.map((person) => [person.login, person.pullRequests, person.commits]),
    empty: 'Nobody opened a pull request or committed in this period.',
  }
  const aiTable = genaiRepositoryTable(repositories, compositions.repositories)
  const issueTable: PageTable = {
    name: 'issues',
    title: 'Issues linked to pull requests',
    columns: ['Issue', 'Title', 'Type', 'Status', 'Sprint', 'Pull requests'],
    csvColumns: ['issue', 'title', 'type', 'status', 'sprint', 'pull_requests'],
    cells: issues.map((issue) => [
      issue.key,
      issue.title,
      issue.type,
      issue.status,
      issue.sprint ?? '—',
      formatNumber(issue.pullRequests, 0),
    ]),
    values: issues.map((issue) => [
      issue.key,
      issue.title,
      issue.type,
      issue.status,
      issue.sprint,
      issue.pullRequests,
    ]),
    empty: 'No pull request in this period names an issue key.',
  }
  return {
    hasData:
      trend.current.pullRequestsOpened + trend.current.commits + trend.current.deployments > 0,
    repositoryCount: repositories.length,
    contributorCount: contributors.count,
    cards,
    score: {
      value: score?.score ?? null,
      note: scoreNote(latest),
      gauge: gauge({
        title: 'Product score',
        value: score?.score ?? null,
        label: latest && !score ? 'Incomplete' : scoreLabel(score?.score ?? null),
      }).svg,
      history: scoreHistoryFigure(
        'Product score history',
        history.filter((point) => point.missing.length === 0)
      ),
    },
    figures: {
      delivery: deliveryFigure(series, drill),
      cycleTrend: cycleTimeTrendFigure(series, drill),
      cycleSplit: cycleSplitFigure([
        {
          name: 'This period',
          summary: trend.current,
          href: listHref('/insights/pull-requests', range, drill),
        },
        {
          name: 'Previous period',
          summary: trend.previous,
          href: listHref('/insights/pull-requests', range.previous, drill),
        },
      ]),
      vulnerabilities: vulnerabilityFigure(vulnerabilities, drill),
      vulnerabilityTrend: vulnerabilityTrendFigure(remediation, drill),
      ai: aiFigure(shared.current.aiLines),
    },
    remediation: remediationSummary(remediation),
    tables: [
      repositoryTable,
      contributorTable,
      aiTable,
      issueTable,
      ...issueTables,
      kpiTable(cards, range),
      vulnerabilityTable(vulnerabilities, range, publicIds('product').encode(scope.productId!)),
    ],
  }
}

/**
 * The product's edit form: its fields and every repository of the
 * organisation, ticked when it belongs to the product (two queries).
 */
export async function productEditor(organizationId: number, productPublicId: string) {
  const product = await findOrganizationProduct(organizationId, productPublicId)
  const rows = await db
    .from('repositories as r')
    .leftJoin('product_repositories as pr', (join) => {
      join.on('pr.repository_id', 'r.id').andOnVal('pr.product_id', product.id)
    })
    .where('r.organization_id', organizationId)
    .select('r.id', 'r.full_name', 'r.is_archived', 'pr.id as link_id')
    .orderBy('r.full_name')
  const codec = publicIds('repository')
  return {
    product,
    issueProjects: await issueProjectChoices(organizationId, product.id),
    repositories: rows.map((row) => ({
      publicId: codec.encode(Number(row.id)),
      fullName: String(row.full_name),
      archived: Boolean(row.is_archived),
      selected: row.link_id !== null,
    })),
  }
}

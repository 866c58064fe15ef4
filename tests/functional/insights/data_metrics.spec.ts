import { test } from '@japa/runner'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import {
  activeContributors,
  aiComposition,
  dailySeries,
  summarizeByProduct,
  summarizeByRepository,
  summarizeMetrics,
  summarizeTrend,
  vulnerabilityOverview,
} from '#services/insights/metrics'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import {
  FIXTURE_WEEK,
  buildSmallFixture,
  insertPullRequest,
  insertRepository,
} from '#tests/helpers/insights'

/**
 * The metric functions against values computed by hand on the small
 * fixture (tests/helpers/insights.ts), identical on SQLite and
 * PostgreSQL. One week, 2026-03-02 to 2026-03-08.
 */
async function fixture() {
  const organization = await createOrganization()
  const ids = await buildSmallFixture(organization.id)
  await new RollUpMetrics().execute({ organizationId: organization.id })
  return {
    organizationId: organization.id,
    ...ids,
    scope: { organizationId: organization.id, ...FIXTURE_WEEK },
  }
}

test.group('Insights data / metrics', (group) => {
  group.each.setup(resetDatabase)

  test('cycle time is split into coding, pickup, review and deploy means', async ({ assert }) => {
    const { scope } = await fixture()
    const summary = await summarizeMetrics(scope)
    // the three deployed pull requests, one set for every phase: coding 24, 2 and 0 h (no
    // first commit known), pickup 4, 24, 1; review 20, 2, 2; deploy 2, 6, 20; cycles 50, 34, 23
    assert.deepEqual(summary.cycleTime, {
      codingHours: 8.7,
      pickupHours: 9.7,
      reviewHours: 8,
      deployHours: 9.3,
      totalHours: 35.7,
      deployedCount: 3,
      toMergeHours: null,
      toMergeCount: 0,
    })
    assert.deepEqual(summary.percentiles.cycle, { count: 3, median: 34, p75: 42, p90: 46.8 })
  })

  test('pull request counts, size and time to first review', async ({ assert }) => {
    const { scope } = await fixture()
    const summary = await summarizeMetrics(scope)
    assert.equal(summary.pullRequestsOpened, 4)
    assert.equal(summary.pullRequestsMerged, 3)
    assert.equal(summary.throughputPerWeek, 3)
    // (120 + 40 + 50) / 3 lines; (4 + 24 + 1) / 3 hours
    assert.equal(summary.prSizeLines, 70)
    assert.equal(summary.firstReviewHours, 9.7)
  })

  test('the four DORA metrics count successful production deployments only', async ({ assert }) => {
    const { scope } = await fixture()
    const summary = await summarizeMetrics(scope)
    assert.equal(summary.deployments, 3)
    assert.equal(summary.deploymentFrequencyPerWeek, 3)
    // first commit (or opening) to deployment: (50 + 34 + 23) / 3
    assert.equal(summary.leadTimeHours, 35.7)
    assert.equal(summary.failedDeployments, 1)
    assert.equal(summary.changeFailureRate, 33.3)
    // from the failing deployment's start (18:00) to its restore (21:20)
    assert.equal(summary.timeToRestoreHours, 3.3)
  })

  test('bug rate and the share of AI-assisted commits', async ({ assert }) => {
    const { scope } = await fixture()
    const summary = await summarizeMetrics(scope)
    assert.equal(summary.issuesOpened, 4)
    assert.equal(summary.bugsOpened, 1)
    assert.equal(summary.bugRate, 25)
    assert.equal(summary.commits, 5)
    assert.equal(summary.aiAssistedCommits, 2)
    assert.equal(summary.aiShare, 40)
  })

  test('a product scope reads only its repositories', async ({ assert }) => {
    const { scope, core } = await fixture()
    const summary = await summarizeMetrics({ ...scope, productId: core })
    assert.equal(summary.pullRequestsMerged, 2)
    assert.equal(summary.deployments, 2)
    // the issue without a repository belongs to no product
    assert.equal(summary.issuesOpened, 3)
    const [product] = await summarizeByProduct(scope)
    assert.equal(product.name, 'Core')
    assert.equal(product.repositoryCount, 1)
    assert.equal(product.summary.pullRequestsMerged, 2)
    assert.equal(product.summary.cycleTime.codingHours, 13)
    assert.equal(product.sharedRepositoryCount, 0)
  })

  test('per repository rows cover every repository, busy or not', async ({ assert }) => {
    const { scope } = await fixture()
    const rows = await summarizeByRepository(scope)
    assert.deepEqual(
      rows.map((row) => [row.name, row.summary.pullRequestsMerged, row.summary.leadTimeHours]),
      [
        ['alpha', 2, 42],
        ['beta', 1, 23],
      ]
    )
  })

  test('the trend compares with the equally long period before', async ({ assert }) => {
    const { scope } = await fixture()
    const trend = await summarizeTrend(scope)
    assert.equal(trend.current.pullRequestsMerged, 3)
    assert.equal(trend.current.leadTimeHours, 35.7)
    // the week before holds only the first commit of pull request 1
    assert.equal(trend.previous.commits, 1)
    assert.equal(trend.previous.pullRequestsMerged, 0)
    assert.isNull(trend.previous.leadTimeHours)
  })

  test('the daily series has one point per day, empty days included', async ({ assert }) => {
    const { scope } = await fixture()
    const series = await dailySeries(scope)
    assert.deepEqual(
      series.map((point) => point.day),
      [
        '2026-03-02',
        '2026-03-03',
        '2026-03-04',
        '2026-03-05',
        '2026-03-06',
        '2026-03-07',
        '2026-03-08',
      ]
    )
    assert.deepEqual(
      series.map((point) => point.values.deployments),
      [0, 1, 1, 0, 0, 1, 0]
    )
    assert.deepEqual(
      series.map((point) => point.values.pullRequestsMerged),
      [0, 1, 1, 0, 1, 0, 0]
    )
    const weekly = await dailySeries({ ...scope, from: '2026-02-23' }, { bucket: 'week' })
    assert.deepEqual(
      weekly.map((point) => [point.day, point.values.commits]),
      [
        ['2026-02-23', 1],
        ['2026-03-02', 5],
      ]
    )
  })

  test('open vulnerabilities by severity and age as of the last day', async ({ assert }) => {
    const { scope, beta } = await fixture()
    const overview = await vulnerabilityOverview(scope)
    assert.equal(overview.total, 3)
    assert.deepEqual(overview.bySeverity.critical, {
      open: 1,
      ages: { under30: 1, from30to90: 0, from90to180: 0, over180: 0 },
      oldestDays: 8,
    })
    assert.deepEqual(overview.bySeverity.high, {
      open: 2,
      ages: { under30: 0, from30to90: 1, from90to180: 1, over180: 0 },
      oldestDays: 98,
    })
    assert.equal(overview.bySeverity.medium.open, 0)
    assert.equal(overview.bySeverity.low.open, 0)
    const onlyBeta = await vulnerabilityOverview({ ...scope, repositoryId: beta })
    assert.equal(onlyBeta.total, 1)
  })

  test('active contributors are counted once and bots not at all', async ({ assert }) => {
    const { scope } = await fixture()
    const contributors = await activeContributors(scope, { limit: 3 })
    assert.equal(contributors.count, 4)
    assert.deepEqual(contributors.top, [
      { login: 'bob', pullRequests: 1, commits: 2 },
      { login: 'alice', pullRequests: 1, commits: 1 },
      { login: 'dave', pullRequests: 1, commits: 1 },
    ])
  })

  test('AI composition per repository', async ({ assert }) => {
    const { scope } = await fixture()
    const composition = await aiComposition(scope)
    assert.equal(composition.share, 40)
    assert.deepEqual(
      composition.repositories.map((entry) => [
        entry.name,
        entry.commits,
        entry.aiAssistedCommits,
        entry.share,
      ]),
      [
        ['alpha', 4, 1, 25],
        ['beta', 1, 1, 100],
      ]
    )
  })

  test('an organisation never reads another organisation’s rows', async ({ assert }) => {
    const { scope, core } = await fixture()
    const other = await createOrganization()
    const repository = await insertRepository(other.id, 'elsewhere')
    await insertPullRequest(other.id, repository, {
      opened: '2026-03-02 10:00',
      merged: '2026-03-02 12:00',
      author: 'eve',
    })
    await new RollUpMetrics().execute({ organizationId: other.id })

    const otherScope = { organizationId: other.id, ...FIXTURE_WEEK }
    assert.equal((await summarizeMetrics(otherScope)).pullRequestsMerged, 1)
    assert.equal((await summarizeMetrics(scope)).pullRequestsMerged, 3)
    // another organisation's product or repository id reads nothing
    assert.equal((await summarizeMetrics({ ...otherScope, productId: core })).pullRequestsMerged, 0)
    assert.deepEqual(await summarizeByProduct(otherScope), [])
    assert.equal((await activeContributors(otherScope)).count, 1)
    assert.equal((await vulnerabilityOverview(otherScope)).total, 0)
  })
})

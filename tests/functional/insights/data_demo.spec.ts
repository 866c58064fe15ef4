import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { generateInsightsDemo } from '#actions/demo/insights_demo_generator'
import { DEMO_PRODUCTS, populateInsightsDemoData } from '#actions/demo/insights_demo_data'
import { ensureSampleReferenceData } from '#actions/demo/insights_reference_data'
import {
  summarizeByProduct,
  summarizeMetrics,
  vulnerabilityOverview,
} from '#services/insights/metrics'
import { latestScores } from '#services/insights/scores'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'

const NOW = Date.parse('2026-03-31T12:00:00Z')
const OPTIONS = { repositories: 6, pullRequests: 240, months: 3, seed: 11, now: NOW }

async function tableDigest(organizationId: number) {
  const digest: Record<string, unknown> = {}
  for (const table of [
    'repositories',
    'pull_requests',
    'commits',
    'deployments',
    'issues',
    'vulnerabilities',
  ]) {
    const rows = await db
      .from(table)
      .where('organization_id', organizationId)
      .orderBy('external_id')
      .select('external_id', table === 'repositories' ? 'id' : 'repository_id')
    digest[table] = rows.map((row) => Object.values(row).join('/'))
  }
  return JSON.stringify(digest)
}

test.group('Insights data / demo generator', (group) => {
  group.each.setup(resetDatabase)

  test('the same seed generates the same organisation', ({ assert }) => {
    assert.deepEqual(generateInsightsDemo(OPTIONS), generateInsightsDemo(OPTIONS))
    assert.notDeepEqual(
      generateInsightsDemo(OPTIONS),
      generateInsightsDemo({ ...OPTIONS, seed: 12 })
    )
  })

  test('the generated history has every kind of event a dashboard shows', ({ assert }) => {
    const rows = generateInsightsDemo(OPTIONS)
    assert.lengthOf(rows.repositories, 6)
    assert.approximately(rows.pullRequests.length, 240, 6)
    assert.isTrue(rows.commits.some((commit) => commit.ai_assisted === true))
    assert.isTrue(rows.commits.some((commit) => commit.ai_assisted === false))
    assert.isTrue(rows.deployments.some((deployment) => deployment.caused_failure === true))
    assert.includeMembers(
      [...new Set(rows.issues.map((issue) => issue.type))],
      ['bug', 'story', 'task']
    )
    const opened = rows.pullRequests.map((pull) => new Date(pull.opened_at as number).getUTCDay())
    const weekend = opened.filter((day) => day === 0 || day === 6).length
    assert.isBelow(weekend / opened.length, 0.15)
    assert.isTrue(rows.pullRequests.every((pull) => (pull.opened_at as number) <= NOW))
  })

  test('some incidents are linked to a pull request a production deployment shipped before them', ({
    assert,
  }) => {
    const rows = generateInsightsDemo(OPTIONS)
    assert.isNotEmpty(rows.incidentLinks)
    for (const link of rows.incidentLinks) {
      const incident = rows.issues.find((issue) => issue.external_id === link.issue)!
      const pull = rows.pullRequests.find((one) => one.external_id === link.pullRequest)!
      assert.equal(incident.type, 'incident')
      const shipper = rows.deployments.find(
        (deployment) =>
          deployment.repository === pull.repository &&
          (deployment.started_at as number) >= (pull.merged_at as number)
      )!
      // days after the deployment that shipped the change: past the incident window
      assert.isAbove(
        (incident.opened_at as number) - (shipper.started_at as number),
        24 * 3_600_000
      )
    }
  })

  test('populating twice keeps the same rows and ids, and the dashboards have data', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    await ensureSampleReferenceData()
    const first = await populateInsightsDemoData(organization.id, { ...OPTIONS, scoreDays: 3 })
    const digest = await tableDigest(organization.id)
    const second = await populateInsightsDemoData(organization.id, { ...OPTIONS, scoreDays: 3 })
    assert.deepEqual(second, first)
    assert.equal(await tableDigest(organization.id), digest)
    assert.equal(first.scorePoints, 3 * (1 + DEMO_PRODUCTS.length))

    const scope = { organizationId: organization.id, from: '2026-01-01', to: '2026-03-31' }
    const summary = await summarizeMetrics(scope)
    assert.isAbove(summary.pullRequestsMerged, 100)
    assert.isNotNull(summary.cycleTime.deployHours)
    assert.isNotNull(summary.timeToRestoreHours)
    // deployments failed only by the incident linked to the change they shipped
    const linked = await db
      .from('deployment_incidents as x')
      .join('deployments as d', 'd.id', 'x.deployment_id')
      .where('x.organization_id', organization.id)
      .select('d.caused_failure')
    assert.isTrue(linked.some((row) => !row.caused_failure))
    assert.isAbove(summary.aiShare!, 0)
    const products = await summarizeByProduct(scope)
    assert.deepEqual(
      products.map((product) => product.name),
      [...DEMO_PRODUCTS].sort()
    )
    // six repositories over three products, the last one in two
    assert.equal(
      products.reduce((total, product) => total + product.repositoryCount, 0),
      7
    )
    assert.isAbove((await vulnerabilityOverview(scope)).total, 0)
    assert.isNotNull((await latestScores(organization.id)).organization)
  })
})

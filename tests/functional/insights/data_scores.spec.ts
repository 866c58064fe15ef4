import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import CalculateScores from '#actions/insights/calculate_scores'
import ImportReferenceData from '#actions/insights/import_reference_data'
import { latestScores, scoreHistory } from '#services/insights/scores'
import { summarizeMetrics } from '#services/insights/metrics'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { FIXTURE_WEEK, buildSmallFixture, insertPullRequest } from '#tests/helpers/insights'

async function rollupDigest(organizationId: number) {
  const rows = await db
    .from('insight_daily_metrics')
    .where('organization_id', organizationId)
    .orderBy(['day', 'repository_id'])
    .select('*')
  const contributors = await db
    .from('insight_daily_contributors')
    .where('organization_id', organizationId)
    .orderBy(['day', 'repository_id', 'login'])
    .select('day', 'repository_id', 'login', 'pull_requests', 'commits')
  return JSON.stringify([rows.map(({ id, ...row }) => row), contributors])
}

/**
 * Cycle time (lower is better, weight 3) and deployment frequency
 * (higher is better, weight 1) against four peers each.
 */
async function importReferences() {
  await new ImportReferenceData().execute([
    {
      file: 'metrics.csv',
      content: [
        'key,name,unit,direction,weight',
        'cycle_time_hours,Cycle time,hours,lower,3',
        'deployment_frequency_per_week,Deployment frequency,per week,higher,1',
      ].join('\n'),
    },
    {
      file: 'records.csv',
      content: [
        'metric,peer,value',
        'cycle_time_hours,p1,10',
        'cycle_time_hours,p2,30',
        'cycle_time_hours,p3,41',
        'cycle_time_hours,p4,70',
        'deployment_frequency_per_week,p1,0.1',
        'deployment_frequency_per_week,p2,0.2',
        'deployment_frequency_per_week,p3,0.3',
        'deployment_frequency_per_week,p4,1',
      ].join('\n'),
    },
  ])
}

test.group('Insights data / rollup and scores', (group) => {
  group.each.setup(resetDatabase)

  test('rolling up twice gives the same rows', async ({ assert }) => {
    const organization = await createOrganization()
    await buildSmallFixture(organization.id)
    const rollUp = new RollUpMetrics()
    await rollUp.execute({ organizationId: organization.id })
    const first = await rollupDigest(organization.id)
    await rollUp.execute({ organizationId: organization.id })
    assert.equal(await rollupDigest(organization.id), first)
    assert.notEqual(first, '[[],[]]')
  })

  test('a day range is rebuilt alone; the other days keep their rows', async ({ assert }) => {
    const organization = await createOrganization()
    const { alpha } = await buildSmallFixture(organization.id)
    const rollUp = new RollUpMetrics()
    await rollUp.execute({ organizationId: organization.id })
    await insertPullRequest(organization.id, alpha, {
      opened: '2026-03-03 15:00',
      merged: '2026-03-03 16:00',
    })
    await insertPullRequest(organization.id, alpha, {
      opened: '2026-03-05 15:00',
      merged: '2026-03-05 16:00',
    })

    await rollUp.execute({ organizationId: organization.id, from: '2026-03-03', to: '2026-03-03' })
    const scope = { organizationId: organization.id, ...FIXTURE_WEEK }
    // the pull request merged on the 3rd counts, the one of the 5th not yet
    assert.equal((await summarizeMetrics(scope)).pullRequestsMerged, 4)
    assert.equal(
      (await summarizeMetrics({ ...scope, from: '2026-03-02', to: '2026-03-02' }))
        .pullRequestsOpened,
      1
    )
  })

  test('scores are percentile ranks combined by weight, for the organisation and each product', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const { core } = await buildSmallFixture(organization.id)
    await new RollUpMetrics().execute({ organizationId: organization.id })
    await importReferences()

    const result = await new CalculateScores().execute({
      organizationId: organization.id,
      day: '2026-03-08',
    })
    assert.deepEqual(result, { day: '2026-03-08', organizations: 1, points: 2, metrics: 2 })

    const latest = await latestScores(organization.id)
    // organisation over the 90 days to 2026-03-08: cycle time 40 h beats 41 and 70 → 50;
    // 3 deployments in 90/7 weeks = 0.2/week beats 0.1, ties 0.2 → 37.5 → 38;
    // (50 × 3 + 38 × 1) / 4 = 47
    assert.equal(latest.organization!.score, 47)
    assert.deepEqual(
      latest.organization!.components.map((component) => [
        component.metric,
        component.value,
        component.score,
      ]),
      [
        ['cycle_time_hours', 40, 50],
        ['deployment_frequency_per_week', 0.2, 38],
      ]
    )
    // Core (alpha only): cycle time 13 + 14 + 11 + 4 = 42 h beats 70 → 25;
    // 2 deployments → 0.2/week → 38; (25 × 3 + 38) / 4 = 28.25 → 28
    assert.lengthOf(latest.products, 1)
    assert.equal(latest.products[0].productId, core)
    assert.equal(latest.products[0].name, 'Core')
    assert.equal(latest.products[0].latest!.score, 28)
  })

  test('one point per day: a second run replaces it, and history lists the days', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const { core } = await buildSmallFixture(organization.id)
    await new RollUpMetrics().execute({ organizationId: organization.id })
    await importReferences()
    const calculate = new CalculateScores()
    await calculate.execute({ organizationId: organization.id, day: '2026-03-01' })
    await calculate.execute({ organizationId: organization.id, day: '2026-03-08' })
    await calculate.execute({ organizationId: organization.id, day: '2026-03-08' })

    const points = await db
      .from('score_points')
      .where('organization_id', organization.id)
      .count('* as total')
      .first()
    // 2026-03-08: the organisation and Core, once; 2026-03-01 comes before the
    // fixture week: no merged pull request, no deployment, so no score at all
    assert.equal(Number(points.total), 2)
    assert.deepEqual(await scoreHistory(organization.id), [{ day: '2026-03-08', score: 47 }])
    assert.deepEqual(await scoreHistory(organization.id, core, { from: '2026-03-08' }), [
      { day: '2026-03-08', score: 28 },
    ])
  })

  test('without reference records nothing is scored', async ({ assert }) => {
    const organization = await createOrganization()
    await buildSmallFixture(organization.id)
    await new RollUpMetrics().execute({ organizationId: organization.id })
    const result = await new CalculateScores().execute({
      organizationId: organization.id,
      day: '2026-03-08',
    })
    assert.equal(result.points, 0)
    assert.isNull((await latestScores(organization.id)).organization)
  })

  test('scores of one organisation are invisible to another', async ({ assert }) => {
    const organization = await createOrganization()
    const other = await createOrganization()
    await buildSmallFixture(organization.id)
    await new RollUpMetrics().execute({ organizationId: organization.id })
    await importReferences()
    await new CalculateScores().execute({ day: '2026-03-08' })
    assert.deepEqual(await scoreHistory(other.id), [])
    assert.deepEqual(await latestScores(other.id), { organization: null, products: [] })
  })
})

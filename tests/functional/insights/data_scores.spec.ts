import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import CalculateScores from '#actions/insights/calculate_scores'
import ImportReferenceData from '#actions/insights/import_reference_data'
import { latestScores, scoreHistory } from '#services/insights/scores'
import { summarizeMetrics } from '#services/insights/metrics'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import {
  FIXTURE_WEEK,
  buildSmallFixture,
  insertDeployment,
  insertProduct,
  insertPullRequest,
  insertRepository,
} from '#tests/helpers/insights'

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
 * Four scored metrics against four peers each: cycle time (lower is
 * better, weight 3), lead time (lower, weight 3: the pair shares one
 * weight), deployment frequency (higher, weight 1, per repository) and
 * pull request size (lower, weight 1); AI share is neutral.
 */
async function importReferences() {
  await new ImportReferenceData().execute([
    {
      file: 'metrics.csv',
      content: [
        'key,name,unit,direction,weight',
        'cycle_time_hours,Cycle time,hours,lower,3',
        'lead_time_hours,Lead time,hours,lower,3',
        'deployment_frequency_per_week,Deployment frequency,per week,higher,1',
        'pr_size_lines,PR size,lines,lower,1',
        'ai_share,AI share,%,higher,1',
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
        'lead_time_hours,p1,5',
        'lead_time_hours,p2,8',
        'lead_time_hours,p3,12',
        'lead_time_hours,p4,20',
        'deployment_frequency_per_week,p1,0.1',
        'deployment_frequency_per_week,p2,0.5',
        'deployment_frequency_per_week,p3,1',
        'deployment_frequency_per_week,p4,2',
        'pr_size_lines,p1,50',
        'pr_size_lines,p2,100',
        'pr_size_lines,p3,200',
        'pr_size_lines,p4,400',
        'ai_share,p1,0',
        'ai_share,p2,100',
      ].join('\n'),
    },
  ])
}

/**
 * Enough data to score: alpha (product Core) merges one pull request a
 * day from 2026-02-01 to 02-20, the i-th deployed i hours after its
 * first commit by that day's production deployment (cycle and lead time
 * 1 … 20 h, median 10.5 h; 20 deployments); beta (product Web) merges
 * as many but never deploys. Every pull request changes 100 lines.
 */
async function buildScoringFixture(organizationId: number) {
  const alpha = await insertRepository(organizationId, 'alpha')
  const beta = await insertRepository(organizationId, 'beta')
  const core = await insertProduct(organizationId, 'Core', [alpha])
  const web = await insertProduct(organizationId, 'Web', [beta])
  for (let index = 1; index <= 20; index++) {
    const day = `2026-02-${String(index).padStart(2, '0')}`
    for (const repository of [alpha, beta]) {
      await insertPullRequest(organizationId, repository, {
        firstCommit: `${day} 00:00`,
        opened: `${day} 00:00`,
        merged: `${day} 00:30`,
        additions: 100,
        author: 'alice',
      })
    }
    await insertDeployment(organizationId, alpha, {
      started: `${day} ${String(index).padStart(2, '0')}:00`,
    })
  }
  await new RollUpMetrics().execute({ organizationId })
  return { alpha, beta, core, web }
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

  test('scores are percentile ranks of medians, the cycle and lead time pair sharing one weight', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const { core } = await buildScoringFixture(organization.id)
    await importReferences()

    const result = await new CalculateScores().execute({
      organizationId: organization.id,
      day: '2026-03-08',
    })
    // the organisation and Core are complete; Web never deploys
    assert.deepEqual(result, {
      day: '2026-03-08',
      organizations: 1,
      points: 3,
      incomplete: 1,
      metrics: 5,
    })

    const latest = await latestScores(organization.id)
    // median cycle 10.5 h beats 30, 41, 70 → 75; median lead time 10.5 h beats 12, 20 → 50;
    // 20 deployments in 90/7 weeks over 2 repositories = 0.78 per repository beats 0.1, 0.5 → 50;
    // 100 lines beats 200, 400, ties 100 → 62.5 → 63; AI share is neutral: not scored.
    // The pair's weight 3 is shared: (75 × 1.5 + 50 × 1.5 + 50 × 1 + 63 × 1) / 5 = 60.1 → 60
    assert.equal(latest.organization!.score, 60)
    assert.deepEqual(latest.organization!.missing, [])
    assert.deepEqual(
      latest.organization!.components.map((component) => [
        component.metric,
        component.value,
        component.score,
        component.weight,
      ]),
      [
        ['cycle_time_hours', 10.5, 75, 1.5],
        ['deployment_frequency_per_week', 0.78, 50, 1],
        ['lead_time_hours', 10.5, 50, 1.5],
        ['pr_size_lines', 100, 63, 1],
      ]
    )
    // Core (alpha, one repository): 1.56 deployments a week beats 0.1, 0.5, 1 → 75;
    // (75 × 1.5 + 50 × 1.5 + 75 + 63) / 5 = 65.1 → 65
    const coreScore = latest.products.find((product) => product.productId === core)!.latest!
    assert.equal(coreScore.score, 65)
    assert.deepEqual(coreScore.missing, [])
  })

  test('a product that never deploys is incomplete, never better', async ({ assert }) => {
    const organization = await createOrganization()
    const { web } = await buildScoringFixture(organization.id)
    await importReferences()
    await new CalculateScores().execute({ organizationId: organization.id, day: '2026-03-08' })

    const latest = await latestScores(organization.id)
    const webScore = latest.products.find((product) => product.productId === web)!.latest!
    assert.deepEqual(webScore.missing, ['no deployed pull requests', 'no deployments'])
    assert.deepEqual(
      webScore.components.map((component) => component.metric),
      ['pr_size_lines']
    )
  })

  test('below the minimum sample a metric is not enough data', async ({ assert }) => {
    const organization = await createOrganization()
    await buildSmallFixture(organization.id)
    await new RollUpMetrics().execute({ organizationId: organization.id })
    await importReferences()
    const result = await new CalculateScores().execute({
      organizationId: organization.id,
      day: '2026-03-08',
    })
    // three merged and deployed pull requests, three deployments: every scored metric is
    // below its minimum sample, so there is no score (it used to be 47)
    assert.equal(result.points, 0)
    assert.deepEqual(await scoreHistory(organization.id), [])
  })

  test('one point per day: a second run replaces it, and history lists the days', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const { core } = await buildScoringFixture(organization.id)
    await importReferences()
    const calculate = new CalculateScores()
    await calculate.execute({ organizationId: organization.id, day: '2026-01-20' })
    await calculate.execute({ organizationId: organization.id, day: '2026-03-08' })
    await calculate.execute({ organizationId: organization.id, day: '2026-03-08' })

    const points = await db
      .from('score_points')
      .where('organization_id', organization.id)
      .count('* as total')
      .first()
    // 2026-03-08: the organisation, Core and Web, once; 2026-01-20 comes before the
    // fixture: nothing to score, so no score at all
    assert.equal(Number(points.total), 3)
    assert.deepEqual(await scoreHistory(organization.id), [
      { day: '2026-03-08', score: 60, missing: [] },
    ])
    assert.deepEqual(await scoreHistory(organization.id, core, { from: '2026-03-08' }), [
      { day: '2026-03-08', score: 65, missing: [] },
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

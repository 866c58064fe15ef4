import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { FencedDomainStore } from '#services/domain/domain_store'
import { summarizeMetrics } from '#services/insights/metrics'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { insertRepository } from '#tests/helpers/insights'
import type { CommitInput, DeploymentInput } from '#plugin-sdk'

/**
 * Lead time for changes (issue 28 item 3), DORA's definition: per
 * commit, from the commit to the successful production deployment that
 * first contains it (its SHA has the commit as an ancestor), counted on
 * the day of that deployment; per pull request only where the code host
 * gave no commit ancestry, and counted as such.
 */
const MARCH = { from: '2026-03-01', to: '2026-03-31' }

async function setup() {
  const { id } = await createOrganization()
  const repositoryId = await insertRepository(id, 'api')
  const repository = await db.from('repositories').where('id', repositoryId).firstOrFail()
  const store = new FencedDomainStore({
    organizationId: id,
    provider: 'github',
    connectionId: null,
  })
  const commit = (sha: string, committedAt: string, parents: string[] | null) =>
    store.upsertCommits([
      {
        repositoryExternalId: repository.external_id,
        sha,
        message: `change ${sha}`,
        authorLogin: 'ada',
        committedAt,
        parentShas: parents,
      } satisfies CommitInput,
    ])
  let deployments = 0
  const deploy = (sha: string, startedAt: string, extra: Partial<DeploymentInput> = {}) => {
    deployments += 1
    return store.upsertDeployments([
      {
        externalId: `deploy-${deployments}`,
        repositoryExternalId: repository.external_id,
        environment: 'production',
        status: 'success',
        sha,
        startedAt,
        ...extra,
      } satisfies DeploymentInput,
    ])
  }
  return { organizationId: id, repository, store, commit, deploy }
}

test.group('Insights / lead time for changes per commit', (group) => {
  group.each.setup(resetDatabase)

  test('a commit deployed in the second deployment after its merge gets the second deployment time', async ({
    assert,
  }) => {
    const { organizationId, commit, deploy } = await setup()
    // a (03-01 10:00) ← b (03-02 10:00, merged into main)
    await commit('a', '2026-03-01T10:00:00Z', [])
    await commit('b', '2026-03-02T10:00:00Z', ['a'])
    // 03-02 12:00 deploys a (an older SHA): b is not in it
    await deploy('a', '2026-03-02T12:00:00Z')
    // 03-03 10:00 deploys b: b's lead time is 24 h
    await deploy('b', '2026-03-03T10:00:00Z')
    await new RollUpMetrics().execute({ organizationId })

    const summary = await summarizeMetrics({ organizationId, ...MARCH })
    // a: 03-01 10:00 → 03-02 12:00 = 26 h; b: 24 h
    assert.equal(summary.percentiles.lead_time.count, 2)
    assert.equal(summary.leadTimeHours, 25)
    const onThird = await summarizeMetrics({ organizationId, from: '2026-03-03', to: '2026-03-03' })
    assert.equal(onThird.percentiles.lead_time.count, 1)
    assert.equal(onThird.leadTimeHours, 24)
  })

  test('each commit counts once, at the first deployment that contains it, through merge commits', async ({
    assert,
  }) => {
    const { organizationId, commit, deploy } = await setup()
    await commit('base', '2026-03-01T00:00:00Z', [])
    // a branch of two commits, merged by m next to a commit on main
    await commit('f1', '2026-03-01T06:00:00Z', ['base'])
    await commit('f2', '2026-03-01T12:00:00Z', ['f1'])
    await commit('main1', '2026-03-01T18:00:00Z', ['base'])
    await commit('m', '2026-03-02T00:00:00Z', ['main1', 'f2'])
    await deploy('base', '2026-03-01T02:00:00Z')
    await deploy('m', '2026-03-02T06:00:00Z')
    // a redeploy of the same SHA ships nothing new
    await deploy('m', '2026-03-02T09:00:00Z')
    await new RollUpMetrics().execute({ organizationId })

    const summary = await summarizeMetrics({ organizationId, ...MARCH })
    // base 2 h; f1 24 h; f2 18 h; main1 12 h; m 6 h
    assert.equal(summary.percentiles.lead_time.count, 5)
    assert.equal(summary.percentiles.lead_time.median, 12)
    assert.equal(summary.leadTimeHours, 12.4)
  })

  test('failed deployments and deployments outside production ship nothing', async ({ assert }) => {
    const { organizationId, commit, deploy } = await setup()
    await commit('a', '2026-03-01T10:00:00Z', [])
    await deploy('a', '2026-03-01T11:00:00Z', { status: 'failure' })
    await deploy('a', '2026-03-01T12:00:00Z', { environment: 'product-preview' })
    await deploy('a', '2026-03-01T14:00:00Z')
    await new RollUpMetrics().execute({ organizationId })
    const summary = await summarizeMetrics({ organizationId, ...MARCH })
    assert.equal(summary.percentiles.lead_time.count, 1)
    assert.equal(summary.leadTimeHours, 4)
  })

  test('a rollup of a later range still knows what an earlier deployment shipped', async ({
    assert,
  }) => {
    const { organizationId, commit, deploy } = await setup()
    await commit('a', '2026-03-01T10:00:00Z', [])
    await commit('b', '2026-03-05T10:00:00Z', ['a'])
    await deploy('a', '2026-03-01T12:00:00Z')
    await deploy('b', '2026-03-05T12:00:00Z')
    await new RollUpMetrics().execute({ organizationId })
    // rebuild only 03-05: a was shipped on 03-01 and is not counted again
    await new RollUpMetrics().execute({ organizationId, from: '2026-03-05', to: '2026-03-05' })
    const summary = await summarizeMetrics({ organizationId, ...MARCH })
    assert.equal(summary.percentiles.lead_time.count, 2)
    assert.equal(summary.leadTimeHours, 2)
  })

  test('without commit ancestry the lead time falls back to per pull request and says so', async ({
    assert,
  }) => {
    const { organizationId, repository, store, commit, deploy } = await setup()
    // the host gave no parents: per pull request, from its first commit
    await commit('x', '2026-03-01T08:00:00Z', null)
    await store.upsertPullRequests([
      {
        externalId: 'pr-1',
        repositoryExternalId: repository.external_id,
        number: 1,
        title: 'Change',
        state: 'merged',
        authorLogin: 'ada',
        openedAt: '2026-03-01T09:00:00Z',
        firstCommitAt: '2026-03-01T08:00:00Z',
        mergedAt: '2026-03-01T10:00:00Z',
      },
    ])
    await deploy('x', '2026-03-01T18:00:00Z')
    await new RollUpMetrics().execute({ organizationId })
    const byPullRequest = await summarizeMetrics({ organizationId, ...MARCH })
    assert.equal(byPullRequest.leadTimeHours, 10)
    assert.equal(byPullRequest.leadTimeByPullRequest, 1)

    // once the host gives parents, the same history is measured per commit
    await commit('x', '2026-03-01T08:00:00Z', [])
    await new RollUpMetrics().execute({ organizationId })
    const byCommit = await summarizeMetrics({ organizationId, ...MARCH })
    assert.equal(byCommit.leadTimeHours, 10)
    assert.equal(byCommit.percentiles.lead_time.count, 1)
    assert.equal(byCommit.leadTimeByPullRequest, 0)
  })

  test('commits with parents but deployments without a SHA keep the per-pull-request lead time', async ({
    assert,
  }) => {
    const { organizationId, repository, store, commit, deploy } = await setup()
    await commit('a', '2026-03-01T08:00:00Z', [])
    await store.upsertPullRequests([
      {
        externalId: 'pr-1',
        repositoryExternalId: repository.external_id,
        number: 1,
        title: 'Change',
        state: 'merged',
        authorLogin: 'ada',
        openedAt: '2026-03-01T09:00:00Z',
        firstCommitAt: '2026-03-01T08:00:00Z',
        mergedAt: '2026-03-01T10:00:00Z',
      },
    ])
    // a release pipeline that does not say which commit it deployed
    await deploy('', '2026-03-01T18:00:00Z', { sha: null })
    await new RollUpMetrics().execute({ organizationId })
    const summary = await summarizeMetrics({ organizationId, ...MARCH })
    assert.equal(summary.leadTimeHours, 10)
    assert.equal(summary.leadTimeByPullRequest, 1)
  })

  test('a later write without parents keeps the parents stored', async ({ assert }) => {
    const { organizationId, commit } = await setup()
    await commit('b', '2026-03-02T10:00:00Z', ['a'])
    await commit('b', '2026-03-02T10:00:00Z', null)
    const row = await db
      .from('commits')
      .where('organization_id', organizationId)
      .where('sha', 'b')
      .firstOrFail()
    assert.deepEqual(JSON.parse(row.parent_shas), ['a'])
  })
})

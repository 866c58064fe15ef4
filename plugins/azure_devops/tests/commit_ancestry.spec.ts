import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { commitLeadTimes } from '#services/insights/commit_lead_times'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import type { FakeAzure } from './fake_azure/server.js'
import { connectAzure, startAzure } from './testbed.js'

/**
 * Commit parents for lead time per commit: Azure DevOps lists commits
 * (GitCommitRef) without `parents`; Commits - Get gives them.
 */
test.group('Azure DevOps | commit ancestry', (group) => {
  let azure: FakeAzure
  group.setup(async () => {
    azure = await startAzure()
    return () => azure.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => azure.reset())

  test('each new commit is stored with its parents, a merge with both; a run with nothing new is one request', async ({
    assert,
  }) => {
    const repository = azure.addRepository(azure.addProject('Rockets'), 'engine')
    const root = azure.addCommit(repository, 'Start', { parents: [] })
    const main = azure.addCommit(repository, 'Tune the valve', { parents: [root.commitId] })
    const feature = azure.addCommit(repository, 'Add telemetry', { parents: [root.commitId] })
    const merge = azure.addCommit(repository, 'Merged PR 7: Add telemetry', {
      parents: [main.commitId, feature.commitId],
    })
    const connection = await connectAzure(await createOrganization(), azure)
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
    azure.requests.length = 0

    const [run] = await new RunSync().execute({ connection, tasks: ['commits'], trigger: 'cli' })
    assert.equal(run.status, 'succeeded', run.error ?? '')
    const rows = await db.from('commits').select('sha', 'parent_shas')
    const parents = Object.fromEntries(rows.map((row) => [row.sha, JSON.parse(row.parent_shas)]))
    assert.deepEqual(parents, {
      [root.commitId]: [],
      [main.commitId]: [root.commitId],
      [feature.commitId]: [root.commitId],
      [merge.commitId]: [main.commitId, feature.commitId],
    })
    // one list page (which carries no parents), one Commits - Get per new commit
    const paths = azure.requests.map((request) =>
      request.path.replace(/^.*\/repositories\/[^/]+/, '').replace(/[0-9a-f]{40}/, '{sha}')
    )
    assert.deepEqual(paths.sort(), [
      '/commits',
      '/commits/{sha}',
      '/commits/{sha}',
      '/commits/{sha}',
      '/commits/{sha}',
    ])

    azure.requests.length = 0
    const [again] = await new RunSync().execute({ connection, tasks: ['commits'], trigger: 'cli' })
    assert.equal(again.requests, 1)
    assert.equal(again.itemsWritten, 0)
  })

  test("lead time per commit from a release's Git artifact: a commit merged after the first deployment counts at the second", async ({
    assert,
  }) => {
    const at = (hours: number) => new Date(Date.UTC(2026, 11, 1) + hours * 3_600_000).toISOString()
    const repository = azure.addRepository(azure.addProject('Rockets'), 'engine')
    const root = azure.addCommit(repository, 'Start', { parents: [], date: at(0) })
    const main = azure.addCommit(repository, 'Tune', { parents: [root.commitId], date: at(1) })
    const feature = azure.addCommit(repository, 'Telemetry', {
      parents: [root.commitId],
      date: at(1.5),
    })
    const merge = azure.addCommit(repository, 'Merged PR 7: Telemetry', {
      parents: [main.commitId, feature.commitId],
      date: at(3),
    })
    // the first release deploys `main` at 02:00, the second the merge at 05:00
    azure.addDeployment(repository, { commitId: main.commitId, startedOn: at(2) })
    azure.addDeployment(repository, { commitId: merge.commitId, startedOn: at(5) })
    const organization = await createOrganization()
    const connection = await connectAzure(organization, azure)
    const runs = await new RunSync().execute({
      connection,
      tasks: ['repositories', 'commits', 'delivery'],
      trigger: 'cli',
    })
    for (const run of runs) assert.equal(run.status, 'succeeded', run.error ?? '')
    const deployments = await db.from('deployments').orderBy('started_at').select('sha')
    assert.deepEqual(
      deployments.map((row) => row.sha),
      [main.commitId, merge.commitId]
    )

    const times = await commitLeadTimes(db.connection(), organization.id, at(24))
    const bySha = Object.fromEntries(
      times.map((time) => [time.sha, [time.deployedSha, time.seconds]])
    )
    assert.deepEqual(bySha, {
      [root.commitId]: [main.commitId, 2 * 3600],
      [main.commitId]: [main.commitId, 1 * 3600],
      [feature.commitId]: [merge.commitId, 3.5 * 3600],
      [merge.commitId]: [merge.commitId, 2 * 3600],
    })
  })
})

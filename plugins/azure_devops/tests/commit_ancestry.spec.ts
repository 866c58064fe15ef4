import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
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
})

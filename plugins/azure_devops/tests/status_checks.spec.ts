import { test } from '@japa/runner'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import type { FakeAzure } from './fake_azure/server.js'
import { connectAzure, startAzure } from './testbed.js'

test.group('Azure DevOps | status checks as pull request statuses', (group) => {
  let azure: FakeAzure
  group.setup(async () => {
    azure = await startAzure()
    return () => azure.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => azure.reset())

  async function setUp() {
    const [repository] = azure.seed(1, 3)
    const pull = azure.state.pullRequests.find((entry) => entry.status === 'active')!
    const plugin = pluginRegistry.require('azure_devops')
    const connection = connectionHandle(
      await connectAzure(await createOrganization(), azure),
      plugin
    )
    const target = {
      repositoryExternalId: repository.id,
      repositoryFullName: `${azure.state.projects[0].name}/${repository.name}`,
      pullRequestExternalId: `${repository.id}:${pull.pullRequestId}`,
      pullRequestNumber: pull.pullRequestId,
      headSha: pull.lastMergeSourceCommit!.commitId,
    }
    return { plugin, connection, target, key: `${repository.id}/${pull.pullRequestId}` }
  }

  test('pending, then succeeded: genre and name from the report key, a description and a link', async ({
    assert,
  }) => {
    const { plugin, connection, target, key } = await setUp()
    const report = {
      key: 'sextant/ai-policy',
      name: 'Sextant: AI code policy',
      title: 'Checking',
      detailsUrl: 'https://sextant.example.com/pulls/abc',
    }
    const pending = await plugin.definition.statusChecks!.post(connection, target, {
      ...report,
      state: 'pending',
    })
    await plugin.definition.statusChecks!.post(connection, target, {
      ...report,
      state: 'success',
      title: 'Within policy',
    })
    const statuses = azure.state.statuses.get(key)!
    assert.deepEqual(
      statuses.map((status) => [
        status.state,
        status.description,
        status.context.genre,
        status.context.name,
        status.targetUrl,
      ]),
      [
        ['pending', 'Checking', 'sextant', 'ai-policy', 'https://sextant.example.com/pulls/abc'],
        [
          'succeeded',
          'Within policy',
          'sextant',
          'ai-policy',
          'https://sextant.example.com/pulls/abc',
        ],
      ]
    )
    assert.equal(pending.externalId, '1')
    // the Code (status) scope is what POST needs
    const posts = azure.requests.filter(
      (request) => request.method === 'POST' && /statuses$/.test(request.path)
    )
    assert.lengthOf(posts, 2)
  })

  test('failure and error map to failed and error; a token without Code (status) throws for the caller to record', async ({
    assert,
  }) => {
    const { plugin, connection, target, key } = await setUp()
    const report = {
      key: 'sextant/ai-policy',
      name: 'Sextant: AI code policy',
      title: '2 findings',
    }
    await plugin.definition.statusChecks!.post(connection, target, { ...report, state: 'failure' })
    await plugin.definition.statusChecks!.post(connection, target, {
      ...report,
      state: 'error',
      title: 'Could not check',
    })
    assert.deepEqual(
      azure.state.statuses.get(key)!.map((status) => status.state),
      ['failed', 'error']
    )

    azure.state.scopes.delete('vso.code_status')
    await assert.rejects(() =>
      plugin.definition.statusChecks!.post(connection, target, { ...report, state: 'pending' })
    )
    assert.lengthOf(azure.state.statuses.get(key)!, 2)
  })
})

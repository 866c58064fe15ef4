import { test } from '@japa/runner'
import { HttpError } from '#plugin-sdk'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import plugin from '../plugin.js'
import { seedWorkspace } from './fake_bitbucket/seed.js'
import { startFakeBitbucket, type FakeBitbucket } from './fake_bitbucket/server.js'
import { handleOf, oauthConnection } from './testbed.js'

/**
 * The contract's status-check capability, posted as Bitbucket commit
 * build statuses on fake Bitbucket (which overwrites a status posted
 * again under the same key, as Bitbucket documents).
 */
test.group('Bitbucket | status checks', (group) => {
  let bitbucket: FakeBitbucket
  group.setup(async () => {
    bitbucket = await startFakeBitbucket()
    return () => bitbucket.stop()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    bitbucket.state.workspaces = []
    bitbucket.state.repositories.clear()
    bitbucket.state.statuses.clear()
    bitbucket.state.statusLog.length = 0
    seedWorkspace(bitbucket.state, 'acme', 1, 1)
  })

  const headSha = 'e10dae226959c2194f2b07b077c07762d93821cf'
  const target = {
    repositoryExternalId: '{repo}',
    repositoryFullName: 'acme/repo-00',
    pullRequestExternalId: '{repo}:1',
    pullRequestNumber: 1,
    headSha,
  }
  const report = {
    key: 'sextant-ai-policy',
    name: 'Sextant: AI code policy',
    title: 'Checking',
    detailsUrl: 'https://sextant.example.com/pull-requests/abc',
  }

  async function connection() {
    return handleOf(await oauthConnection(bitbucket, await createOrganization()))
  }

  test('INPROGRESS then SUCCESSFUL under one key: one build status that changes', async ({
    assert,
  }) => {
    const handle = await connection()
    const first = await plugin.statusChecks.post(handle, target, { ...report, state: 'pending' })
    const final = await plugin.statusChecks.post(handle, target, {
      ...report,
      state: 'success',
      title: 'Within policy',
    })
    assert.deepEqual(bitbucket.state.statusLog, [
      `${headSha} sextant-ai-policy INPROGRESS`,
      `${headSha} sextant-ai-policy SUCCESSFUL`,
    ])
    const statuses = bitbucket.state.statuses.get(`acme/repo-00@${headSha}`)!
    assert.equal(statuses.size, 1)
    assert.deepInclude(statuses.get('sextant-ai-policy')!, {
      state: 'SUCCESSFUL',
      name: 'Sextant: AI code policy',
      description: 'Within policy',
      url: 'https://sextant.example.com/pull-requests/abc',
    })
    assert.equal(final.externalId, first.externalId)
    assert.equal(final.url, `${bitbucket.url}/acme/repo-00/commits/${headSha}`)
  })

  test('failure and error are FAILED; without a details page the link is the pull request', async ({
    assert,
  }) => {
    const handle = await connection()
    await plugin.statusChecks.post(handle, target, {
      ...report,
      key: 'a',
      state: 'failure',
      detailsUrl: undefined,
    })
    await plugin.statusChecks.post(handle, target, { ...report, key: 'b', state: 'error' })
    const statuses = bitbucket.state.statuses.get(`acme/repo-00@${headSha}`)!
    assert.equal(statuses.get('a')!.state, 'FAILED')
    assert.equal(statuses.get('a')!.url, `${bitbucket.url}/acme/repo-00/pull-requests/1`)
    assert.equal(statuses.get('b')!.state, 'FAILED')
  })

  test('a repository Bitbucket does not know throws for the caller to record and retry', async ({
    assert,
  }) => {
    const handle = await connection()
    await assert.rejects(
      () =>
        plugin.statusChecks.post(
          handle,
          { ...target, repositoryFullName: 'acme/missing' },
          {
            ...report,
            state: 'pending',
          }
        ),
      HttpError
    )
    assert.lengthOf(bitbucket.state.statusLog, 0)
  })
})

import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { createAccount } from '#tests/helpers/accounts'
import { resetDatabase } from '#tests/helpers/database'
import { WebClient } from '#tests/helpers/web_client'
import { seedWorkspace } from './fake_bitbucket/seed.js'
import { startFakeBitbucket, type FakeBitbucket } from './fake_bitbucket/server.js'
import { oauthConnection, signedInAdmin } from './testbed.js'

/** Settings → Connections → Bitbucket → Choose repositories */
test.group('Bitbucket | repositories page', (group) => {
  let bitbucket: FakeBitbucket
  group.setup(async () => {
    bitbucket = await startFakeBitbucket()
    return () => bitbucket.stop()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    bitbucket.state.workspaces = []
    bitbucket.state.repositories.clear()
    seedWorkspace(bitbucket.state, 'acme', 3, 2)
  })

  async function synced() {
    const { account, web } = await signedInAdmin()
    const connection = await oauthConnection(bitbucket, account.organization)
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
    const page = `/integrations/bitbucket/connections/${connection.publicId}/repositories`
    return { account, web, connection, page }
  }

  const uuidOf = (fullName: string) => bitbucket.state.repositories.get(fullName)!.uuid

  test('lists the workspace repositories, all monitored at first, linked from the connection card', async ({
    assert,
  }) => {
    const { web, connection, page } = await synced()
    const { text } = await web.get(page)
    assert.include(text, 'data-repository="acme/repo-00"')
    assert.include(text, 'data-repository="acme/repo-02"')
    assert.include(text, '3 repositories · 3 monitored')
    const card = await web.get(`/settings/connections/${connection.publicId}`)
    assert.include(card.text, page)
  })

  test('unticking a repository stops its sync; the others keep syncing', async ({ assert }) => {
    const { web, connection, page } = await synced()
    const shown = ['acme/repo-00', 'acme/repo-01', 'acme/repo-02'].map(uuidOf)
    const saved = await web.post(page, {
      'shown[]': shown,
      'monitored[]': [shown[0], shown[2]],
    })
    assert.equal(saved.location, page)
    const rows = await db.from('repositories').orderBy('full_name').select('full_name', 'monitored')
    assert.deepEqual(
      rows.map((row) => [row.full_name, Boolean(row.monitored)]),
      [
        ['acme/repo-00', true],
        ['acme/repo-01', false],
        ['acme/repo-02', true],
      ]
    )
    bitbucket.resetRequests()
    await new RunSync().execute({ connection, tasks: ['pull_requests'], trigger: 'cli' })
    assert.isFalse(bitbucket.state.requests.some((r) => r.path.includes('/repo-01/')))
    assert.isTrue(bitbucket.state.requests.some((r) => r.path.includes('/repo-00/')))
  })

  test("another organisation's connection is a 404 and a viewer cannot save", async ({
    assert,
  }) => {
    const { account, page } = await synced()
    const { web: stranger } = await signedInAdmin()
    const peek = await stranger.get(page)
    assert.equal(peek.status, 404)

    const viewer = await createAccount({ role: 'viewer', organization: account.organization })
    const web = new WebClient()
    await web.signIn(viewer.email, viewer.password, viewer.totpSecret!)
    const listed = await web.get(page)
    assert.equal(listed.status, 200)
    assert.notInclude(listed.text, 'Save selection')
    const refused = await web.post(page, { 'shown[]': [uuidOf('acme/repo-00')] })
    assert.equal(refused.status, 403)
    const [{ total }] = await db.from('repositories').where('monitored', true).count('* as total')
    assert.equal(Number(total), 3)
  })
})

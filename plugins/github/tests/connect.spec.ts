import { test } from '@japa/runner'
import Connection from '#models/connection'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import type { FakeGitHub } from './fake_github/server.js'
import { withEnv } from '#plugin-sdk/testing'
import { BASE, connectInstallation, startGitHub } from './testbed.js'

/**
 * The connect flow over real HTTP: Sextant → GitHub's install page →
 * the setup URL → GitHub's OAuth authorise → the setup URL with a code.
 * The fake GitHub answers each hop as GitHub does; the test follows the
 * redirects by hand.
 */
async function follow(client: WebClient, location: string) {
  if (location.startsWith(BASE) || location.startsWith('/')) {
    return client.get(location.replace(BASE, ''))
  }
  const response = await fetch(location, { redirect: 'manual' })
  return {
    status: response.status,
    location: response.headers.get('location'),
    text: await response.text(),
  }
}

test.group('GitHub connect flow', (group) => {
  let github: FakeGitHub
  let installation = 6000
  group.setup(async () => {
    github = await startGitHub()
    github.setSetupUrl(`${BASE}/integrations/github/setup`)
    return () => github.stop()
  })
  group.each.setup(resetDatabase())

  async function signedInAdmin() {
    const admin = await createAccount({ role: 'admin' })
    const client = new WebClient()
    await client.signIn(admin.email, admin.password, admin.totpSecret!)
    return { admin, client }
  }

  test('install, come back with the installation, authorise, and the installation is stored for this organisation', async ({
    assert,
  }) => {
    const id = ++installation
    github.addInstallation({ id, account: { login: 'acme-rockets', type: 'Organization' } })
    github.addRepository(id, { name: 'engine' })
    github.addUser({ login: `ada${id}`, installationIds: [id] })
    const { admin, client } = await signedInAdmin()

    await client.get('/integrations/github')
    const start = await client.post('/integrations/github/install')
    assert.equal(start.status, 302)
    assert.match(
      start.location!,
      new RegExp(`/apps/${github.state.app.slug}/installations/new\\?state=`)
    )
    const state = new URL(start.location!).searchParams.get('state')!

    // GitHub returns to the Setup URL with the installation; Sextant asks GitHub who the user is.
    const setup = await client.get(
      `/integrations/github/setup?installation_id=${id}&setup_action=install&state=${state}`
    )
    assert.equal(setup.status, 302)
    assert.include(setup.location!, '/login/oauth/authorize?')
    const authorised = await follow(client, setup.location!)
    assert.equal(authorised.status, 302)
    const back = await follow(client, authorised.location!)
    assert.equal(back.status, 302, back.text)
    assert.match(back.location!, /\/integrations\/github\/connections\/[^/]+\/repositories$/)

    const connection = await Connection.query().where('plugin_id', 'github').firstOrFail()
    assert.equal(connection.organizationId, admin.organization.id)
    assert.equal(connection.accountKey, String(id))
    assert.equal(connection.displayName, 'acme-rockets')
    assert.equal(connection.status, 'active')
  })

  test('an installation the GitHub user cannot access is refused and nothing is stored', async ({
    assert,
  }) => {
    const id = ++installation
    github.addInstallation({ id, account: { login: 'someone-else', type: 'Organization' } })
    github.addUser({ login: `mallory${id}`, installationIds: [] })
    const { client } = await signedInAdmin()
    const setup = await client.get(
      `/integrations/github/setup?installation_id=${id}&setup_action=install`
    )
    const authorised = await follow(client, setup.location!)
    const back = await follow(client, authorised.location!)
    assert.equal(back.status, 403)
    assert.include(back.text, `cannot access installation ${id}`)
    assert.lengthOf(await Connection.query().where('plugin_id', 'github'), 0)
  })

  test('the old /settings/connect/github/ setup URL still works', async ({ assert }) => {
    const id = ++installation
    github.addInstallation({ id, account: { login: 'legacy-org', type: 'Organization' } })
    github.addUser({ login: `grace${id}`, installationIds: [id] })
    const { client } = await signedInAdmin()
    const setup = await client.get(
      `/settings/connect/github/?installation_id=${id}&setup_action=install`
    )
    assert.equal(setup.status, 302)
    const authorise = new URL(setup.location!)
    assert.equal(
      new URL(authorise.searchParams.get('redirect_uri')!).pathname,
      '/settings/connect/github/'
    )
    const authorised = await follow(client, setup.location!)
    const back = await follow(client, authorised.location!)
    assert.equal(back.status, 302)
    assert.lengthOf(await Connection.query().where('account_key', String(id)), 1)
  })

  test("ally checks the user authorisation's state: a code back without it is refused", async ({
    assert,
  }) => {
    const id = ++installation
    github.addInstallation({ id, account: { login: 'acme-state', type: 'Organization' } })
    github.addUser({ login: `linus${id}`, installationIds: [id] })
    const { client } = await signedInAdmin()
    const setup = await client.get(
      `/integrations/github/setup?installation_id=${id}&setup_action=install`
    )
    const state = new URL(setup.location!).searchParams.get('state')
    assert.match(state!, /^[\w-]{43}$/)
    const authorised = await follow(client, setup.location!)
    // The session still holds the attempt; the state ally kept in its cookie is gone.
    const cookie = [...client.cookies.keys()].find((name) => name.endsWith('_oauth_state'))!
    client.cookies.delete(cookie)

    const back = await follow(client, authorised.location!)
    assert.equal(back.status, 400)
    assert.include(back.text, 'unknown, already used or expired')
    assert.lengthOf(await Connection.query().where('account_key', String(id)), 0)
  })

  test('a code GitHub sends without our authorisation is not used: the user is asked to authorise', async ({
    assert,
  }) => {
    const id = ++installation
    github.addInstallation({ id, account: { login: 'acme-direct', type: 'Organization' } })
    github.addUser({ login: `barbara${id}`, installationIds: [id] })
    const { client } = await signedInAdmin()
    const setup = await client.get(
      `/integrations/github/setup?installation_id=${id}&setup_action=install&code=from-elsewhere&state=forged`
    )
    assert.equal(setup.status, 400)
    const direct = await client.get(
      `/integrations/github/setup?installation_id=${id}&setup_action=install&code=from-elsewhere`
    )
    assert.equal(direct.status, 302)
    assert.include(direct.location!, '/login/oauth/authorize?')
    assert.lengthOf(await Connection.query().where('account_key', String(id)), 0)
  })

  test('a setup callback with a malformed installation id is answered 400 with a message', async ({
    assert,
  }) => {
    const { client } = await signedInAdmin()
    const response = await client.get('/integrations/github/setup?installation_id=abc')
    assert.equal(response.status, 400)
    assert.include(response.text, 'malformed')
  })

  test('an installation id past any real one is refused, not sent on to GitHub', async ({
    assert,
  }) => {
    const { client } = await signedInAdmin()
    const response = await client.get('/integrations/github/setup?installation_id=1e308')
    assert.equal(response.status, 400)
    assert.include(response.text, 'malformed')
  })

  test('the setup callback refuses to start when the App is not configured', async ({
    assert,
    cleanup,
  }) => {
    const { client } = await signedInAdmin()
    cleanup(withEnv({ GITHUB_APP_ID: undefined }))
    const response = await client.get('/integrations/github/setup?installation_id=42')
    assert.equal(response.status, 400)
    assert.include(response.text, 'GITHUB_APP_ID')
    assert.isNull(response.location ?? null)
  })

  test('the connect page says in plain words what the administrator has not configured', async ({
    assert,
    cleanup,
  }) => {
    const { client } = await signedInAdmin()
    cleanup(withEnv({ GITHUB_APP_ID: undefined, GITHUB_WEBHOOK_SECRET: undefined }))
    const page = await client.get('/integrations/github')
    assert.equal(page.status, 200)
    assert.include(page.text, 'the App ID (GITHUB_APP_ID)')
    assert.include(page.text, 'the webhook secret (GITHUB_WEBHOOK_SECRET)')
    assert.notInclude(page.text, 'Install on GitHub')
  })

  test('repositories can be searched and chosen; another organisation gets a 404', async ({
    assert,
  }) => {
    const id = ++installation
    github.addInstallation({ id, account: { login: 'pick-org', type: 'Organization' } })
    github.addRepository(id, { name: 'alpha' })
    github.addRepository(id, { name: 'beta' })
    const { admin, client } = await signedInAdmin()
    const connection = await connectInstallation(admin.organization, id)
    const { default: RunSync } = await import('#actions/sync/run_sync')
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
    const url = `/integrations/github/connections/${connection.publicId}/repositories`

    const search = await client.get(`${url}?search=alp`, {
      'hx-request': 'true',
      'hx-target': 'repository-list',
    })
    assert.equal(search.status, 200)
    assert.include(search.text, 'pick-org/alpha')
    assert.notInclude(search.text, 'pick-org/beta')
    assert.notInclude(search.text, '<html')

    const page = await client.get(url)
    const ids = [...page.text.matchAll(/name="shown\[\]" value="([^"]+)"/g)].map(
      (match) => match[1]
    )
    assert.lengthOf(ids, 2)
    const saved = await client.post(url, { 'shown[]': ids, 'monitored[]': [ids[0]] })
    assert.equal(saved.status, 302)
    const { default: db } = await import('@adonisjs/lucid/services/db')
    const monitored = await db
      .from('repositories')
      .where('connection_id', connection.id)
      .where('monitored', true)
    assert.deepEqual(
      monitored.map((row) => row.external_id),
      [ids[0]]
    )

    const stranger = await signedInAdmin()
    const fenced = await stranger.client.get(url)
    assert.equal(fenced.status, 404)
  })
})

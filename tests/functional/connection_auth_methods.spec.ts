import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import OauthAccountChoice from '#models/oauth_account_choice'
import type { RoleName } from '#services/authorization'
import type Organization from '#models/organization'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { startFakeProvider, type FakeProvider } from '#tests/helpers/fake_provider'
import { WebClient } from '#tests/helpers/web_client'
import { withEnv } from '#tests/helpers/env'

/**
 * Plugins with several ways to connect, and OAuth grants that reach
 * several accounts, through the pages' own forms against the fake
 * provider: the fixture plugin (API token, or email + API token over
 * HTTP Basic) and the fixture-oauth plugin (OAuth 2.0 with Jira-style
 * sites, or a personal access token).
 */
const PAGE = '/settings/connections'
const START = '/integrations/fixture-oauth/oauth/start'

async function signedIn(role: RoleName = 'admin', organization?: Organization) {
  const account = await createAccount({ role, organization })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  await web.get(PAGE)
  return { account, web }
}

function connectWith(
  web: WebClient,
  pluginId: string,
  method: string | null,
  fields: Record<string, string>
) {
  const form: Record<string, string> = { baseUrl: '' }
  if (method) form.method = method
  for (const [name, value] of Object.entries(fields)) form[`fields[${name}]`] = value
  return web.post(`${PAGE}/${pluginId}/connect`, form)
}

/** start the OAuth flow, let the provider agree, and come back to the callback */
async function authorise(web: WebClient) {
  const started = await web.post(START, { method: 'oauth' })
  const atProvider = await fetch(started.location!, { redirect: 'manual' })
  const back = new URL(atProvider.headers.get('location')!)
  return web.get(`${back.pathname}${back.search}`)
}

async function rawRow(table: string, id: number) {
  return JSON.stringify(await db.from(table).where('id', id).first())
}

test.group('Connections | authentication methods', (group) => {
  let provider: FakeProvider

  group.setup(async () => {
    provider = await startFakeProvider()
    return () => provider.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => provider.reset())

  test('the page offers each method as its own form, without JavaScript', async ({ assert }) => {
    const { web } = await signedIn()
    const page = (await web.get(PAGE)).text
    assert.include(page, 'Choose how to connect')
    assert.include(page, 'id="connect-fixture-token"')
    assert.include(page, 'id="connect-fixture-basic"')
    assert.include(page, '<input type="hidden" name="method" value="basic" />')
    assert.include(page, 'name="fields[apiToken]"')
    // fixture-oauth: the OAuth button and the personal access token form side by side
    assert.include(page, 'Connect with Fixture OAuth Provider')
    assert.include(page, 'id="connect-fixture-oauth-pat"')
  })

  test('email + API token connects over HTTP Basic with the token sealed', async ({ assert }) => {
    const { account, web } = await signedIn()
    const response = await connectWith(web, 'fixture', 'basic', {
      email: 'fixture-user@example.com',
      apiToken: 'good-api-token',
      workspace: 'acme',
    })
    assert.equal(response.location, PAGE)

    const connection = await Connection.findByOrFail('organizationId', account.organization.id)
    assert.equal(connection.authMethod, 'basic')
    // the plugin's test reached the provider, which accepts only the right Basic pair
    assert.equal(connection.status, 'active', connection.lastError ?? '')
    assert.deepEqual(connection.configValues, {
      email: 'fixture-user@example.com',
      workspace: 'acme',
    })
    assert.deepEqual(connection.openCredentials(), { apiToken: 'good-api-token' })
    assert.notInclude(await rawRow('connections', connection.id), 'good-api-token')
    const client = await connectionHandle(connection, pluginRegistry.require('fixture')).client()
    assert.equal((await client.get<{ login: string }>('/user')).data.login, 'fixture-user')
  })

  test('a wrong Basic pair is stored as a failed test, its secret never shown', async ({
    assert,
  }) => {
    const { account, web } = await signedIn()
    await connectWith(web, 'fixture', 'basic', {
      email: 'fixture-user@example.com',
      apiToken: 'wrong-api-token',
      workspace: 'acme',
    })
    const connection = await Connection.findByOrFail('organizationId', account.organization.id)
    assert.equal(connection.status, 'error')
    const page = (await web.get(PAGE)).text
    assert.include(page, 'its test failed')
    assert.notInclude(page, 'wrong-api-token')
  })

  test("a method's own validator answers 422 inline in that method's form", async ({ assert }) => {
    const { web } = await signedIn()
    const response = await connectWith(web, 'fixture', 'basic', {
      email: 'not an email',
      apiToken: 'good-api-token',
      workspace: 'acme',
    })
    assert.equal(response.status, 422)
    assert.match(
      response.text,
      /<details class="connect-method" id="connect-fixture-basic" open>[\s\S]*field-error/
    )
    assert.notInclude(response.text, 'good-api-token')
    assert.lengthOf(await Connection.all(), 0)
  })

  test('a method the plugin does not declare is refused and connects nothing', async ({
    assert,
  }) => {
    const { web } = await signedIn()
    const response = await connectWith(web, 'fixture', 'carrier-pigeon', { token: 'good-token' })
    assert.equal(response.location, PAGE)
    assert.include((await web.get(PAGE)).text, 'has no way to connect called')
    assert.lengthOf(await Connection.all(), 0)
  })

  test('an OAuth method cannot be used through the token form', async ({ assert }) => {
    const { web } = await signedIn()
    await connectWith(web, 'fixture-oauth', 'oauth', { token: 'good-token' })
    assert.include((await web.get(PAGE)).text, 'does not connect with a token')
    assert.lengthOf(await Connection.all(), 0)
  })

  test('the personal access token method of an OAuth plugin connects', async ({ assert }) => {
    const { account, web } = await signedIn()
    await connectWith(web, 'fixture-oauth', 'pat', { token: 'good-token' })
    const connection = await Connection.findByOrFail('organizationId', account.organization.id)
    assert.equal(connection.authMethod, 'pat')
    assert.equal(connection.status, 'active', connection.lastError ?? '')
  })

  test('a grant reaching two sites lets the member pick; each becomes a connection', async ({
    assert,
  }) => {
    provider.state.sites = [
      { id: 'alpha', name: 'Alpha Corp' },
      { id: 'beta', name: 'Beta Labs' },
    ]
    const { account, web } = await signedIn()
    const callback = await authorise(web)
    assert.equal(callback.status, 302)
    assert.match(callback.location!, /^\/integrations\/oauth\/accounts\/\w+$/)
    assert.lengthOf(await Connection.all(), 0)

    // While the member chooses, the tokens wait sealed.
    const [waiting] = await OauthAccountChoice.all()
    const token = waiting.openToken()
    assert.notInclude(await rawRow('oauth_account_choices', waiting.id), token.accessToken)

    const choice = await web.get(callback.location!)
    assert.equal(choice.status, 200)
    assert.include(choice.text, 'Alpha Corp')
    assert.include(choice.text, 'Beta Labs')
    assert.include(choice.text, `${provider.url}/sites/beta`)

    const chosen = await web.post(callback.location!, { 'accounts[]': ['alpha', 'beta'] })
    assert.equal(chosen.location, PAGE)

    const connections = await Connection.query()
      .where('organization_id', account.organization.id)
      .orderBy('account_key')
    assert.deepEqual(
      connections.map((connection) => [
        connection.accountKey,
        connection.displayName,
        connection.baseUrl,
        connection.authMethod,
        connection.status,
      ]),
      [
        ['alpha', 'Alpha Corp', `${provider.url}/sites/alpha`, 'oauth', 'active'],
        ['beta', 'Beta Labs', `${provider.url}/sites/beta`, 'oauth', 'active'],
      ]
    )
    assert.deepEqual(connections[0].configValues, { siteUrl: 'https://alpha.example' })
    assert.isNotNull(connections[0].oauthGrant)
    assert.equal(connections[0].oauthGrant, connections[1].oauthGrant)
    for (const connection of connections) {
      assert.equal(connection.openCredentials().accessToken, token.accessToken)
      assert.notInclude(await rawRow('connections', connection.id), token.accessToken)
    }
    // the waiting tokens are gone, and the choice works once
    assert.lengthOf(await OauthAccountChoice.all(), 0)
    const again = await web.post(callback.location!, { 'accounts[]': ['alpha'] })
    assert.equal(again.location, PAGE)
    assert.include((await web.get(PAGE)).text, 'already made or expired')
  })

  test('picking one of two sites connects only that one', async ({ assert }) => {
    provider.state.sites = [
      { id: 'alpha', name: 'Alpha Corp' },
      { id: 'beta', name: 'Beta Labs' },
    ]
    const { web } = await signedIn()
    const callback = await authorise(web)
    await web.get(callback.location!)
    await web.post(callback.location!, { 'accounts[]': ['beta'] })
    const connections = await Connection.all()
    assert.deepEqual(
      connections.map((connection) => connection.accountKey),
      ['beta']
    )
    assert.isNull(connections[0].oauthGrant)
  })

  test('ticking nothing, or an account the grant does not reach, is a 422', async ({ assert }) => {
    provider.state.sites = [
      { id: 'alpha', name: 'Alpha Corp' },
      { id: 'beta', name: 'Beta Labs' },
    ]
    const { web } = await signedIn()
    const callback = await authorise(web)
    await web.get(callback.location!)
    const none = await web.post(callback.location!, {})
    assert.equal(none.status, 422)
    assert.include(none.text, 'Pick at least one of the accounts listed.')
    const foreign = await web.post(callback.location!, { 'accounts[]': ['alpha', 'gamma'] })
    assert.equal(foreign.status, 422)
    assert.lengthOf(await Connection.all(), 0)
    assert.lengthOf(await OauthAccountChoice.all(), 1)
  })

  test('a site whose address the outbound policy refuses is not connected', async ({
    assert,
    cleanup,
  }) => {
    provider.state.sites = [
      { id: 'alpha', name: 'Alpha Corp' },
      { id: 'beta', name: 'Beta Labs' },
    ]
    const { web } = await signedIn()
    const callback = await authorise(web)
    await web.get(callback.location!)
    // The operator allows no private address: the sites' loopback API roots are refused.
    cleanup(withEnv({ OUTBOUND_ALLOWED_HOSTS: '' }))
    const refused = await web.post(callback.location!, { 'accounts[]': ['alpha'] })
    assert.equal(refused.status, 422)
    assert.include(refused.text, 'Alpha Corp cannot be connected: its address is')
    assert.lengthOf(await Connection.all(), 0)
  })

  test("another member cannot see or use someone's account choice", async ({ assert }) => {
    provider.state.sites = [
      { id: 'alpha', name: 'Alpha Corp' },
      { id: 'beta', name: 'Beta Labs' },
    ]
    const { account, web } = await signedIn()
    const callback = await authorise(web)
    const { web: colleague } = await signedIn('admin', account.organization)
    const peek = await colleague.get(callback.location!)
    assert.equal(peek.location, PAGE)
    assert.notInclude((await colleague.get(PAGE)).text, 'Alpha Corp')
    await colleague.post(callback.location!, { 'accounts[]': ['alpha'] })
    assert.lengthOf(await Connection.all(), 0)
  })

  test('connections of one grant refresh once: none is left holding a spent token', async ({
    assert,
  }) => {
    provider.state.sites = [
      { id: 'alpha', name: 'Alpha Corp' },
      { id: 'beta', name: 'Beta Labs' },
    ]
    const { web } = await signedIn()
    const callback = await authorise(web)
    await web.get(callback.location!)
    await web.post(callback.location!, { 'accounts[]': ['alpha', 'beta'] })
    const plugin = pluginRegistry.require('fixture-oauth')

    // Both access tokens expire; alpha refreshes first, then beta needs a token.
    for (const connection of await Connection.all()) {
      const credentials = connection.openCredentials()
      connection.sealCredentials({ ...credentials, expiresAt: String(Date.now() - 1000) })
      await connection.save()
    }
    const refreshesBefore = provider.state.refreshes
    const alpha = await Connection.findByOrFail('accountKey', 'alpha')
    const beta = await Connection.findByOrFail('accountKey', 'beta')
    const alphaToken = await connectionHandle(alpha, plugin).accessToken()
    const betaHandle = connectionHandle(beta, plugin)
    const betaToken = await betaHandle.accessToken()

    assert.equal(provider.state.refreshes - refreshesBefore, 1)
    assert.equal(provider.state.rejectedRefreshes, 0)
    assert.equal(betaToken, alphaToken)
    const client = await betaHandle.client()
    assert.equal((await client.get<{ site: string }>('/user')).data.site, 'beta')
  })
})

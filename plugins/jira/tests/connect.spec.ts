import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { withEnv } from '#plugin-sdk/testing'
import { ME, type FakeJira } from './fake_jira/server.js'
import { startJira } from './testbed.js'

/**
 * Connecting Jira through the Connections page, against the fake Jira:
 * Cloud with email + API token, Data Center with a personal access
 * token, Cloud through OAuth 2.0 (3LO) with one connection per chosen
 * site; each Test calls /myself.
 */
const PAGE = '/settings/connections'

async function signedIn() {
  const account = await createAccount({ role: 'admin' })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  await web.get(PAGE)
  return { account, web }
}

function connectWith(
  web: WebClient,
  method: string,
  baseUrl: string,
  fields: Record<string, string>
) {
  const form: Record<string, string> = { baseUrl, method }
  for (const [name, value] of Object.entries(fields)) form[`fields[${name}]`] = value
  return web.post(`${PAGE}/jira/connect`, form)
}

async function authorise(web: WebClient) {
  const started = await web.post('/integrations/jira/oauth/start', { method: 'oauth' })
  const atAtlassian = await fetch(started.location!, { redirect: 'manual' })
  const back = new URL(atAtlassian.headers.get('location')!)
  return web.get(`${back.pathname}${back.search}`)
}

test.group('Jira | connect', (group) => {
  let jira: FakeJira
  group.setup(async () => {
    jira = await startJira()
    return () => jira.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => jira.reset())

  test('Cloud: email + API token connects over Basic, Test calls /rest/api/3/myself', async ({
    assert,
  }) => {
    jira.state.apiTokens.set('mia@example.com', 'atlassian-api-token-1')
    jira.rootSite = 'acme'
    const { account, web } = await signedIn()
    const answer = await connectWith(web, 'basic', jira.url, {
      email: 'mia@example.com',
      apiToken: 'atlassian-api-token-1',
    })
    assert.equal(answer.location, PAGE)
    const connection = await Connection.findByOrFail('organizationId', account.organization.id)
    assert.equal(connection.authMethod, 'basic')
    assert.equal(connection.status, 'active', connection.lastError ?? '')
    assert.equal(connection.accountKey, new URL(jira.url).host)
    const [myself] = jira.requestsTo(/\/myself$/)
    assert.equal(myself.path, '/rest/api/3/myself')
    const expected = Buffer.from('mia@example.com:atlassian-api-token-1').toString('base64')
    assert.equal(myself.authorization, `Basic ${expected}`)
    const row = JSON.stringify(await db.from('connections').where('id', connection.id).first())
    assert.notInclude(row, 'atlassian-api-token-1')
  })

  test('Data Center: a personal access token connects as a bearer, Test calls /rest/api/2/myself', async ({
    assert,
  }) => {
    jira.state.personalTokens.add('dc-personal-token-1')
    const { account, web } = await signedIn()
    await connectWith(web, 'pat', jira.url, { token: 'dc-personal-token-1' })
    const connection = await Connection.findByOrFail('organizationId', account.organization.id)
    assert.equal(connection.authMethod, 'pat')
    assert.equal(connection.status, 'active', connection.lastError ?? '')
    const [myself] = jira.requestsTo(/\/myself$/)
    assert.equal(myself.path, '/rest/api/2/myself')
    assert.equal(myself.authorization, 'Bearer dc-personal-token-1')
  })

  test('a wrong API token is a failed test; the page never shows the token', async ({ assert }) => {
    jira.state.apiTokens.set('mia@example.com', 'atlassian-api-token-1')
    const { account, web } = await signedIn()
    await connectWith(web, 'basic', jira.url, {
      email: 'mia@example.com',
      apiToken: 'not-the-right-token',
    })
    const connection = await Connection.findByOrFail('organizationId', account.organization.id)
    assert.equal(connection.status, 'error')
    const { text: page } = await web.get(PAGE)
    assert.include(page, 'its test failed')
    assert.notInclude(page, 'not-the-right-token')
  })

  test('a token method without a site URL says what is missing', async ({ assert }) => {
    jira.state.personalTokens.add('dc-personal-token-1')
    const { account, web } = await signedIn()
    await connectWith(web, 'pat', '', { token: 'dc-personal-token-1' })
    const connection = await Connection.findByOrFail('organizationId', account.organization.id)
    assert.equal(connection.status, 'error')
    assert.include(connection.lastError ?? '', 'Enter your Jira site as the base URL')
    assert.lengthOf(jira.requestsTo(/myself/), 0)
  })

  test('a typed site on a private address is refused by the outbound policy; no credential is sent', async ({
    assert,
    cleanup,
  }) => {
    jira.state.apiTokens.set('mia@example.com', 'atlassian-api-token-1')
    const { account, web } = await signedIn()
    cleanup(withEnv({ OUTBOUND_ALLOWED_HOSTS: '' }))
    const answer = await connectWith(web, 'basic', jira.url, {
      email: 'mia@example.com',
      apiToken: 'atlassian-api-token-1',
    })
    assert.equal(answer.status, 422)
    assert.include(answer.text, 'loopback')
    assert.lengthOf(jira.state.requests, 0)
    assert.isNull(await Connection.findBy('organizationId', account.organization.id))
  })

  test('OAuth 2.0 (3LO): 2 of 3 accessible sites chosen → two connections on the API gateway', async ({
    assert,
  }) => {
    for (const [id, name] of [
      ['c1', 'Alpha'],
      ['c2', 'Beta'],
      ['c3', 'Gamma'],
    ])
      jira.site(id).name = name
    jira.state.grantSites = ['c1', 'c2', 'c3']
    const { account, web } = await signedIn()
    const callback = await authorise(web)
    assert.match(callback.location ?? '', /^\/integrations\/oauth\/accounts\/\w+$/)
    const choice = await web.get(callback.location!)
    for (const name of ['Alpha', 'Beta', 'Gamma']) assert.include(choice.text, name)
    await web.post(callback.location!, { 'accounts[]': ['c1', 'c3'] })

    const connections = await Connection.query()
      .where('organization_id', account.organization.id)
      .orderBy('account_key')
    assert.deepEqual(
      connections.map((connection) => [
        connection.accountKey,
        connection.displayName,
        connection.baseUrl,
        connection.status,
      ]),
      [
        ['c1', 'Alpha', `${jira.gatewayUrl}/ex/jira/c1`, 'active'],
        ['c3', 'Gamma', `${jira.gatewayUrl}/ex/jira/c3`, 'active'],
      ]
    )
    assert.equal(connections[0].configValues.cloudId, 'c1')
    assert.equal(connections[0].configValues.siteUrl, 'https://c1.atlassian.net')
    // each Test called /myself through the gateway, on its own site only
    const tests = jira.requestsTo(/\/myself$/).map((request) => request.path)
    assert.sameMembers(tests, [
      '/gateway/ex/jira/c1/rest/api/3/myself',
      '/gateway/ex/jira/c3/rest/api/3/myself',
    ])
  })

  test('an app registered with the old callback URL (JIRA_OAUTH_REDIRECT_URL) connects through /compass/api/v1/integrations/connect-jira-redirect/', async ({
    assert,
    cleanup,
  }) => {
    jira.state.grantSites = ['c1']
    const { account, web } = await signedIn()
    const legacy = `${web.baseUrl}/compass/api/v1/integrations/connect-jira-redirect/`
    cleanup(withEnv({ JIRA_OAUTH_REDIRECT_URL: legacy }))
    const started = await web.post('/integrations/jira/oauth/start', { method: 'oauth' })
    const authorize = new URL(started.location!)
    assert.equal(authorize.searchParams.get('redirect_uri'), legacy)
    const atAtlassian = await fetch(authorize, { redirect: 'manual' })
    const back = new URL(atAtlassian.headers.get('location')!)
    assert.equal(back.pathname, '/compass/api/v1/integrations/connect-jira-redirect/')
    // the code is traded with the same redirect_uri (the fake refuses any other)
    const callback = await web.get(`${back.pathname}${back.search}`)
    // a grant of one site connects it at once
    assert.equal(callback.location, PAGE)
    const connection = await Connection.findByOrFail('organizationId', account.organization.id)
    assert.equal(connection.accountKey, 'c1')
    assert.equal(connection.status, 'active', connection.lastError ?? '')
  })

  test('two concurrent refreshes of an expiring token: one refresh reaches Atlassian, both calls succeed', async ({
    assert,
  }) => {
    jira.state.grantSites = ['c1', 'c2']
    const { web } = await signedIn()
    const callback = await authorise(web)
    await web.get(callback.location!)
    await web.post(callback.location!, { 'accounts[]': ['c1', 'c2'] })
    const plugin = pluginRegistry.require('jira')
    for (const connection of await Connection.all()) {
      connection.sealCredentials({
        ...connection.openCredentials(),
        expiresAt: String(Date.now() - 1000),
      })
      await connection.save()
    }
    const rows = await Connection.query().orderBy('account_key')
    const handles = rows.map((row) => connectionHandle(row, plugin))
    const results = await Promise.all(
      handles.map((handle) => plugin.definition.connection!.test!(handle))
    )
    assert.deepEqual(
      results.map((result) => result.ok),
      [true, true]
    )
    assert.equal(jira.state.refreshes, 1)
    assert.equal(jira.state.rejectedRefreshes, 0)
    assert.equal(results[0].account, ME.displayName)
  })
})

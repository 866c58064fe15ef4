import { test } from '@japa/runner'
import Connection from '#models/connection'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { startFakeBitbucket, type FakeBitbucket } from './fake_bitbucket/server.js'
import {
  BASE,
  PAGE,
  authorise,
  connectWith,
  handleOf,
  oauthConnection,
  rawRow,
  signedInAdmin,
} from './testbed.js'

/**
 * Connecting a Bitbucket Cloud workspace, through the pages, against
 * fake Bitbucket's OAuth server and REST API 2.0: the OAuth consumer
 * (one connection per chosen workspace), an Atlassian API token, a
 * workspace access token; and the two-hour tokens refreshed once under
 * the lock although the refresh token rotates.
 */
test.group('Bitbucket | connect', (group) => {
  let bitbucket: FakeBitbucket
  group.setup(async () => {
    bitbucket = await startFakeBitbucket()
    return () => bitbucket.stop()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    bitbucket.state.workspaces = [
      { uuid: '{a1}', slug: 'acme', name: 'Acme' },
      { uuid: '{b2}', slug: 'beta-labs', name: 'Beta Labs' },
    ]
    bitbucket.state.consumer.callbackUrl = null
    bitbucket.resetRequests()
  })

  test('the connect page offers OAuth, an API token and a workspace access token', async ({
    assert,
  }) => {
    const { web } = await signedInAdmin()
    const { text: page } = await web.get(PAGE)
    assert.include(page, 'Connect with Bitbucket')
    assert.include(page, 'id="connect-bitbucket-api-token"')
    assert.include(page, 'id="connect-bitbucket-access-token"')
  })

  test('OAuth: the consumer signs in, the member picks workspaces, each becomes a connection', async ({
    assert,
  }) => {
    const { account, web } = await signedInAdmin()
    const { authorizeUrl, callback } = await authorise(web)
    assert.equal(authorizeUrl.pathname, '/site/oauth2/authorize')
    assert.equal(authorizeUrl.searchParams.get('client_id'), bitbucket.state.consumer.key)
    assert.equal(authorizeUrl.searchParams.get('response_type'), 'code')
    assert.match(callback.location!, /^\/integrations\/oauth\/accounts\/\w+$/)

    const choice = await web.get(callback.location!)
    assert.include(choice.text, 'Acme')
    assert.include(choice.text, 'Beta Labs')
    await web.post(callback.location!, { 'accounts[]': ['acme', 'beta-labs'] })

    const connections = await Connection.query()
      .where('organization_id', account.organization.id)
      .orderBy('account_key')
    assert.deepEqual(
      connections.map((c) => [c.accountKey, c.displayName, c.authMethod, c.status]),
      [
        ['acme', 'Acme', 'oauth', 'active'],
        ['beta-labs', 'Beta Labs', 'oauth', 'active'],
      ]
    )
    assert.deepEqual(connections[0].configValues, { workspace: 'acme', workspaceUuid: '{a1}' })
    // the code was exchanged with the consumer's key and secret over HTTP Basic (the fake refuses anything else)
    const exchange = bitbucket.state.requests.find((r) => r.path === '/site/oauth2/access_token')
    assert.equal(exchange?.status, 200)
    const credentials = connections[0].openCredentials()
    assert.match(credentials.accessToken, /^bb-access-/)
    assert.closeTo(Number(credentials.expiresAt), Date.now() + 7200_000, 60_000)
    assert.notInclude(await rawRow('connections', connections[0].id), credentials.accessToken)
  })

  test("OAuth: a consumer registered with the old system's callback URL brings the member back there, and connects", async ({
    assert,
  }) => {
    const legacyCallback = `${BASE}/settings/connect/bitbucket/`
    bitbucket.state.consumer.callbackUrl = legacyCallback
    bitbucket.state.workspaces = [{ uuid: '{a1}', slug: 'acme', name: 'Acme' }]
    const { account, web } = await signedInAdmin()
    const { authorizeUrl, back, callback } = await authorise(web)
    // Bitbucket takes a redirect_uri only when it extends the consumer's callback URL
    assert.equal(authorizeUrl.searchParams.get('redirect_uri'), legacyCallback)
    assert.equal(back.pathname, '/settings/connect/bitbucket/')
    assert.equal(callback.status, 302)
    assert.equal(callback.location, PAGE)
    const connection = await Connection.findByOrFail('organizationId', account.organization.id)
    assert.equal(connection.accountKey, 'acme')
    assert.equal(connection.status, 'active', connection.lastError ?? '')
    // the code was traded with the same redirect_uri (the fake refuses a different one)
    const exchange = bitbucket.state.requests.find((r) => r.path === '/site/oauth2/access_token')
    assert.equal(exchange?.status, 200)
  })

  test('the old callback path refuses a state this browser did not start', async ({ assert }) => {
    const { web } = await signedInAdmin()
    const answer = await web.get('/settings/connect/bitbucket/?code=abc&state=forged')
    assert.equal(answer.status, 400)
    assert.include(answer.text, 'Start again from Connections')
    assert.lengthOf(await Connection.all(), 0)
  })

  test('an Atlassian API token connects over HTTP Basic, sealed, tested on the workspace', async ({
    assert,
  }) => {
    const { account, web } = await signedInAdmin()
    const response = await connectWith(web, 'api-token', {
      workspace: 'Acme',
      email: 'jdoe@example.com',
      apiToken: 'atlassian-api-token',
    })
    assert.equal(response.location, PAGE)
    const connection = await Connection.findByOrFail('organizationId', account.organization.id)
    assert.equal(connection.status, 'active', connection.lastError ?? '')
    assert.equal(connection.accountKey, 'acme')
    assert.equal(connection.authMethod, 'api-token')
    assert.deepEqual(connection.openCredentials(), { apiToken: 'atlassian-api-token' })
    assert.notInclude(await rawRow('connections', connection.id), 'atlassian-api-token')
    assert.isTrue(
      bitbucket.state.requests.some((r) => r.path === '/2.0/workspaces/acme' && r.status === 200)
    )
  })

  test('a workspace access token connects with Bearer and reaches its workspace only', async ({
    assert,
  }) => {
    const { account, web } = await signedInAdmin()
    await connectWith(web, 'access-token', { workspace: 'acme', token: 'ws-access-token-acme' })
    const connection = await Connection.findByOrFail('organizationId', account.organization.id)
    assert.equal(connection.status, 'active', connection.lastError ?? '')

    await connectWith(web, 'access-token', {
      workspace: 'beta-labs',
      token: 'ws-access-token-acme',
    })
    const other = await Connection.findByOrFail('accountKey', 'beta-labs')
    assert.equal(other.status, 'error')
    const { text: page } = await web.get(PAGE)
    assert.include(page, 'its test failed')
    assert.notInclude(page, 'ws-access-token-acme')
  })

  test('a malformed workspace is a 422 in its form and connects nothing', async ({ assert }) => {
    const { web } = await signedInAdmin()
    const response = await connectWith(web, 'api-token', {
      workspace: '../evil',
      email: 'jdoe@example.com',
      apiToken: 'atlassian-api-token',
    })
    assert.equal(response.status, 422)
    assert.notInclude(response.text, 'atlassian-api-token')
    assert.lengthOf(await Connection.all(), 0)
  })

  test('two concurrent refreshes with a rotating refresh token: one refresh, both succeed', async ({
    assert,
  }) => {
    const connection = await oauthConnection(bitbucket, await createOrganization())
    connection.sealCredentials({
      ...connection.openCredentials(),
      expiresAt: String(Date.now() - 1000),
    })
    await connection.save()
    const before = bitbucket.state.refreshes
    const [first, second] = await Promise.all([
      handleOf(await Connection.findOrFail(connection.id)).accessToken(),
      handleOf(await Connection.findOrFail(connection.id)).accessToken(),
    ])
    assert.equal(bitbucket.state.refreshes - before, 1)
    assert.equal(bitbucket.state.rejectedRefreshes, 0)
    assert.equal(first, second)
    const client = await handleOf(await Connection.findOrFail(connection.id)).client()
    const { data: me } = await client.get<{ nickname: string }>('/2.0/user')
    assert.equal(me.nickname, 'jdoe')
  })
})

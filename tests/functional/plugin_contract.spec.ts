import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import { pluginRegistry } from '#services/plugins/registry'
import { validAccessToken } from '#services/plugins/oauth2'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createConnection } from '#tests/helpers/connections'
import { runAce } from '#tests/helpers/processes'
import { WebClient } from '#tests/helpers/web_client'
import {
  startFakeProvider,
  seedRepositories,
  type FakeProvider,
} from '#tests/helpers/fake_provider'

/**
 * What the fixture plugins get from the platform besides sync and
 * webhooks: routes under /integrations/<id>, their Edge views, commands,
 * OAuth tokens refreshed under a lock, credentials that stay secret.
 */
test.group('Plugin contract', (group) => {
  let provider: FakeProvider

  group.setup(async () => {
    provider = await startFakeProvider()
    return () => provider.close()
  })
  group.each.setup(resetDatabase())

  test('a session route renders the plugin view for a signed-in member', async ({ assert }) => {
    const account = await createAccount()
    await createConnection(account.organization)
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)

    const page = await web.get('/integrations/fixture/hello')
    assert.equal(page.status, 200)
    assert.include(page.text, 'Hello from the fixture plugin: 1 connection(s).')
  })

  test('the connection page shows per-scope freshness once a sync ran', async ({ assert }) => {
    provider.state.repositories = seedRepositories(2, 10)
    const account = await createAccount({ role: 'admin' })
    const connection = await createConnection(account.organization)
    await new RunSync().execute({ connection, trigger: 'cli' })
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)

    const page = await web.get(`/settings/connections/${connection.publicId}`)
    assert.equal(page.status, 200)
    assert.include(page.text, 'Freshness by scope')
    assert.include(page.text, 'items:r0')
    assert.include(page.text, 'repositories')
  })

  test('a session route sends a signed-out visitor to sign in', async ({ assert }) => {
    const page = await new WebClient().get('/integrations/fixture/hello')
    assert.equal(page.location, '/sign-in')
  })

  test('a token route answers an API token and refuses without one', async ({ client }) => {
    const account = await createAccount()
    const { default: CreateApiToken } = await import('#actions/tokens/create_api_token')
    const { value } = await new CreateApiToken().execute({
      user: account.user,
      membership: account.membership,
      name: 'plugin',
      abilities: ['read'],
      expiresInDays: 1,
      meta: { ip: '127.0.0.1', userAgent: 'test' },
    })

    const answered = await client
      .post('/integrations/fixture/ping')
      .header('x-api-key', value)
      .json({ value: 7 })
    answered.assertStatus(200)
    answered.assertBody({ pong: 7 })
    const refused = await client.post('/integrations/fixture/ping').json({ value: 7 })
    refused.assertStatus(401)
  })

  test('plugin commands are listed and run through ace', async ({ assert }) => {
    const result = await runAce(['fixture:hello', 'Ada'])
    assert.equal(result.code, 0, result.stderr)
    assert.include(result.stdout, 'Hello Ada from the fixture plugin')
  })

  test('two concurrent refreshes of an expired OAuth token spend the refresh token once', async ({
    assert,
  }) => {
    const account = await createAccount()
    const { refreshToken } = provider.issueTokens()
    const connection = await createConnection(account.organization, {
      pluginId: 'fixture-oauth',
      accountKey: 'default',
      credentials: { accessToken: 'expired', refreshToken, expiresAt: String(Date.now() - 1000) },
    })
    const plugin = pluginRegistry.require('fixture-oauth')
    const first = await Connection.findOrFail(connection.id)
    const second = await Connection.findOrFail(connection.id)

    const tokens = await Promise.all([
      validAccessToken(first, plugin),
      validAccessToken(second, plugin),
    ])

    assert.equal(provider.state.refreshes, 1)
    assert.equal(provider.state.rejectedRefreshes, 0)
    assert.equal(tokens[0], tokens[1])
    assert.notEqual(tokens[0], 'expired')
    const stored = (await Connection.findOrFail(connection.id)).openCredentials()
    assert.equal(stored.accessToken, tokens[0])
    assert.notEqual(stored.refreshToken, refreshToken)
  })

  test('credentials are encrypted in the raw table and never reach the logs', async ({
    assert,
  }) => {
    const secretToken = 'sextant-test-secret-token-4f9c2a'
    provider.state.tokens.add(secretToken)
    provider.state.repositories = seedRepositories(2, 150)
    const account = await createAccount()
    await createConnection(account.organization, { credentials: { token: secretToken } })

    const raw = await db.from('connections').firstOrFail()
    assert.notInclude(raw.credentials, secretToken)
    assert.match(raw.credentials, /^sbx1\./)

    provider.reset()
    provider.state.faults.errorRate = 0.2
    const result = await runAce(['fetch:data', 'fixture'], {
      LOG_LEVEL: 'trace',
      LOG_PRETTY: 'false',
    })
    assert.equal(result.code, 0, result.stderr + result.stdout)
    const output = result.stdout + result.stderr
    assert.notInclude(output, secretToken)

    // The logs were written, at the level that sees every request: one
    // "http request" line per request the provider answered, 503s included.
    const logged = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; url?: string; status?: number })
      .filter((entry) => entry.msg === 'http request')
    const answered = provider.state.requests
    assert.isAbove(answered.filter((request) => request.status === 503).length, 0)
    assert.lengthOf(logged, answered.length, 'every request logged')
    assert.deepEqual(
      logged
        .map(
          (entry) => `${new URL(entry.url!).pathname}${new URL(entry.url!).search} ${entry.status}`
        )
        .sort(),
      answered.map((request) => `${request.path} ${request.status}`).sort()
    )
    const runs = await db.from('sync_runs').select('error')
    assert.isTrue(runs.every((run) => !String(run.error ?? '').includes(secretToken)))
  }).timeout(60_000)
})

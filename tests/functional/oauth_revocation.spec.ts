import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { processQueueUntil } from '#tests/helpers/queue'
import { startFakeProvider, type FakeProvider } from '#tests/helpers/fake_provider'
import { WebClient } from '#tests/helpers/web_client'

/**
 * Revocation (RFC 7009), which ally does not do: disconnecting an OAuth
 * connection whose method declares a revokeUrl (fixture-oauth) revokes
 * the grant at the provider in a queued run, then removes the
 * connection. Connections sharing one grant keep it until the last goes.
 */
const PAGE = '/settings/connections'
const START = '/integrations/fixture-oauth/oauth/start'

async function signedIn() {
  const account = await createAccount({ role: 'admin' })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  await web.get(PAGE)
  return { account, web }
}

/** start the OAuth flow, let the provider agree, and come back to the callback */
async function authorise(web: WebClient) {
  const started = await web.post(START, { method: 'oauth' })
  const atProvider = await fetch(started.location!, { redirect: 'manual' })
  const back = new URL(atProvider.headers.get('location')!)
  return web.get(`${back.pathname}${back.search}`)
}

/** the latest disconnect's run (it outlives the connection it removed) */
function latestDisconnect() {
  return db
    .from('plugin_hook_runs')
    .where({ plugin_id: 'fixture-oauth', hook: 'disconnecting' })
    .orderBy('id', 'desc')
    .first()
}

function untilDisconnected() {
  return processQueueUntil(async () => {
    const run = await latestDisconnect()
    return run?.status === 'succeeded'
  })
}

test.group('Connections | OAuth revocation on disconnect', (group) => {
  let provider: FakeProvider

  group.setup(async () => {
    provider = await startFakeProvider()
    return () => provider.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => provider.reset())

  test('disconnecting revokes the refresh token at the provider, then removes the connection', async ({
    assert,
  }) => {
    const { web } = await signedIn()
    await authorise(web)
    const connection = await Connection.firstOrFail()
    const { refreshToken } = connection.openCredentials()

    const response = await web.post(`${PAGE}/${connection.publicId}/disconnect`)
    assert.equal(response.status, 302)
    await connection.refresh()
    assert.equal(connection.status, 'disconnecting')

    await untilDisconnected()
    assert.deepEqual(provider.state.revocations, [{ token: refreshToken, hint: 'refresh_token' }])
    assert.isNull(await Connection.find(connection.id))
  })

  test('a provider that refuses the revocation is retried; the connection goes once it is done', async ({
    assert,
  }) => {
    const { web } = await signedIn()
    await authorise(web)
    const connection = await Connection.firstOrFail()
    // more refusals than the HTTP client's own retries: the queued run fails and is retried
    provider.state.failRevocations = 3

    await web.post(`${PAGE}/${connection.publicId}/disconnect`)
    await untilDisconnected()
    assert.isAtLeast(Number((await latestDisconnect()).attempts), 2)
    assert.lengthOf(provider.state.revocations, 1)
    assert.isNull(await Connection.find(connection.id))
  })

  test('a grant shared by two sites is revoked only with the last of its connections', async ({
    assert,
  }) => {
    provider.state.sites = [
      { id: 'alpha', name: 'Alpha Corp' },
      { id: 'beta', name: 'Beta Labs' },
    ]
    const { web } = await signedIn()
    const callback = await authorise(web)
    await web.post(callback.location!, { 'accounts[]': ['alpha', 'beta'] })
    const [alpha, beta] = await Connection.query().orderBy('account_key')
    assert.equal(alpha.oauthGrant, beta.oauthGrant)

    await web.post(`${PAGE}/${alpha.publicId}/disconnect`)
    await untilDisconnected()
    assert.lengthOf(provider.state.revocations, 0)
    assert.isNull(await Connection.find(alpha.id))

    await web.post(`${PAGE}/${beta.publicId}/disconnect`)
    await untilDisconnected()
    assert.deepEqual(
      provider.state.revocations.map(({ hint }) => hint),
      ['refresh_token']
    )
    assert.equal(provider.state.revocations[0].token, beta.openCredentials().refreshToken)
  })
})

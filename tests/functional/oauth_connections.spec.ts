import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import type { RoleName } from '#services/authorization'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { startFakeProvider, type FakeProvider } from '#tests/helpers/fake_provider'
import { withEnv } from '#tests/helpers/env'
import { WebClient } from '#tests/helpers/web_client'
import { pluginRegistry } from '#services/plugins/registry'
import { findMethod } from '#services/plugins/auth_methods'
import type { OAuth2Auth } from '#plugin-sdk/types'
import { allyDriverName, pluginAllyDrivers } from '#services/plugins/ally_drivers'

/**
 * "Connect with …" for the fixture-oauth plugin: the fake provider's
 * authorize endpoint sends the browser straight back with a code, as a
 * provider does once the user has agreed.
 */
const PAGE = '/settings/connections'
const START = '/integrations/fixture-oauth/oauth/start'

async function signedIn(role: RoleName = 'admin') {
  const account = await createAccount({ role })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  await web.get(PAGE)
  return { account, web }
}

/** the cookie ally keeps for the fixture's OAuth method (state or PKCE verifier) */
function allyCookie(web: WebClient, kind: 'state' | 'verifier') {
  const name = [...web.cookies.keys()].find((cookie) => cookie.endsWith(`_oauth_${kind}`))
  if (!name) throw new Error(`no ally ${kind} cookie in the jar`)
  return name
}

/**
 * fixture-oauth's OAuth method as a plugin declaring no driver of its
 * own would have it (with these changes); answers the undo for cleanup
 */
function declaredOnly(changes: Partial<OAuth2Auth> = {}) {
  const auth = findMethod(pluginRegistry.require('fixture-oauth'), 'oauth')!.auth
  if (auth.kind !== 'oauth2') throw new Error('fixture-oauth lost its OAuth method')
  const before = { ...auth }
  delete auth.driver
  Object.assign(auth, changes)
  return () => {
    for (const key of Object.keys(changes)) delete auth[key as keyof OAuth2Auth]
    Object.assign(auth, before)
  }
}

/** what the browser does at the provider: follow its redirect back to us */
async function authorizeAtProvider(location: string) {
  const response = await fetch(location, { redirect: 'manual' })
  const back = new URL(response.headers.get('location')!)
  return back
}

test.group('Connections | OAuth', (group) => {
  let provider: FakeProvider

  group.setup(async () => {
    provider = await startFakeProvider()
    return () => provider.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => provider.reset())

  test('start redirects to the provider with state and PKCE; the callback connects', async ({
    assert,
  }) => {
    const { account, web } = await signedIn()
    const started = await web.post(START)
    assert.equal(started.status, 302)
    const authorize = new URL(started.location!)
    assert.equal(`${authorize.origin}${authorize.pathname}`, `${provider.url}/oauth/authorize`)
    assert.match(authorize.searchParams.get('state')!, /^[\w-]{43}$/)
    assert.match(authorize.searchParams.get('code_challenge')!, /^[\w-]{43}$/)
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256')
    assert.equal(authorize.searchParams.get('client_id'), process.env.FIXTURE_OAUTH_CLIENT_ID)
    assert.equal(
      authorize.searchParams.get('redirect_uri'),
      `${web.baseUrl}/integrations/oauth/callback`
    )

    const back = await authorizeAtProvider(started.location!)
    const callback = await web.get(`${back.pathname}${back.search}`)
    assert.equal(callback.status, 302)
    assert.equal(callback.location, PAGE)

    const connection = await Connection.findByOrFail('organizationId', account.organization.id)
    assert.equal(connection.pluginId, 'fixture-oauth')
    assert.equal(connection.accountKey, 'acme')
    assert.equal(connection.displayName, 'Acme')
    assert.equal(connection.baseUrl, `${provider.url}/sites/acme`)
    assert.equal(connection.status, 'active')
    const credentials = connection.openCredentials()
    assert.match(credentials.accessToken, /^access-/)
    assert.match(credentials.refreshToken, /^refresh-/)
    const raw = JSON.stringify(await db.from('connections').where('id', connection.id).first())
    assert.notInclude(raw, credentials.accessToken)
    assert.notInclude(raw, credentials.refreshToken)
    assert.include((await web.get(PAGE)).text, 'Connected to Fixture OAuth Provider')

    // The state worked once: replaying the callback is refused.
    const replay = await web.get(`${back.pathname}${back.search}`)
    assert.equal(replay.status, 400)
  })

  test('a tampered or missing state is a 400 and connects nothing', async ({ assert }) => {
    const { web } = await signedIn()
    const started = await web.post(START)
    const back = await authorizeAtProvider(started.location!)
    back.searchParams.set('state', `${back.searchParams.get('state')}x`)

    const tampered = await web.get(`${back.pathname}${back.search}`)
    assert.equal(tampered.status, 400)
    assert.include(tampered.text, 'Start again from Connections')
    back.searchParams.delete('state')
    assert.equal((await web.get(`${back.pathname}${back.search}`)).status, 400)
    assert.lengthOf(await Connection.all(), 0)
  })

  test('under htmx the start answers HX-Redirect to the provider, and the flow completes', async ({
    assert,
  }) => {
    const { web } = await signedIn()
    const started = await web.post(START, {}, { headers: { 'hx-request': 'true' } })
    assert.equal(started.status, 204)
    assert.isNull(started.location)
    const target = started.headers.get('hx-redirect')!
    assert.equal(new URL(target).searchParams.get('client_id'), process.env.FIXTURE_OAUTH_CLIENT_ID)
    const back = await authorizeAtProvider(target)
    assert.equal((await web.get(`${back.pathname}${back.search}`)).location, PAGE)
    assert.lengthOf(await Connection.all(), 1)
  })

  test('ally checks the state: a callback without the state this browser kept is a 400', async ({
    assert,
  }) => {
    const { web } = await signedIn()
    const started = await web.post(START)
    const back = await authorizeAtProvider(started.location!)
    // The session still knows the attempt; the state ally kept in its cookie is gone.
    web.cookies.delete(allyCookie(web, 'state'))

    const callback = await web.get(`${back.pathname}${back.search}`)
    assert.equal(callback.status, 400)
    assert.include(callback.text, 'does not match the one this browser started')
    assert.lengthOf(provider.state.tokenRequests, 0)
    assert.lengthOf(await Connection.all(), 0)
  })

  test('PKCE: the code is traded with the verifier ally kept; without it nothing is traded', async ({
    assert,
  }) => {
    const { web } = await signedIn()
    // (the fake provider answers invalid_grant to a verifier that does not match the challenge)
    const started = await web.post(START)
    const back = await authorizeAtProvider(started.location!)
    assert.equal((await web.get(`${back.pathname}${back.search}`)).location, PAGE)
    assert.deepEqual(
      provider.state.tokenRequests.map(({ grantType, codeVerifier }) => [grantType, codeVerifier]),
      [['authorization_code', true]]
    )
    assert.lengthOf(await Connection.all(), 1)

    const again = await web.post(START)
    const backAgain = await authorizeAtProvider(again.location!)
    web.cookies.delete(allyCookie(web, 'verifier'))
    const refused = await web.get(`${backAgain.pathname}${backAgain.search}`)
    assert.equal(refused.status, 400)
    assert.lengthOf(provider.state.tokenRequests, 1)
  })

  test("the plugin's own ally driver shapes the requests (consent prompt, JSON token request)", async ({
    assert,
  }) => {
    const { web } = await signedIn()
    const started = await web.post(START)
    assert.equal(new URL(started.location!).searchParams.get('prompt'), 'consent')
    const back = await authorizeAtProvider(started.location!)
    await web.get(`${back.pathname}${back.search}`)
    assert.equal(provider.state.tokenRequests[0]?.contentType, 'application/json')
    assert.lengthOf(await Connection.all(), 1)
  })

  test('a method without a driver connects through the one built from its declaration', async ({
    assert,
    cleanup,
  }) => {
    cleanup(declaredOnly())
    const { web } = await signedIn()
    const started = await web.post(START)
    const authorize = new URL(started.location!)
    assert.isNull(authorize.searchParams.get('prompt'))
    assert.equal(authorize.searchParams.get('response_type'), 'code')
    assert.equal(authorize.searchParams.get('scope'), 'read')
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256')
    const back = await authorizeAtProvider(started.location!)
    assert.equal((await web.get(`${back.pathname}${back.search}`)).location, PAGE)
    assert.deepEqual(provider.state.tokenRequests, [
      {
        grantType: 'authorization_code',
        contentType: 'application/x-www-form-urlencoded',
        codeVerifier: true,
        clientAuth: 'post',
      },
    ])
    const connection = await Connection.firstOrFail()
    assert.match(connection.openCredentials().accessToken, /^access-/)
  })

  test('tokenAuthMethod client_secret_basic: the client authenticates with HTTP Basic', async ({
    assert,
    cleanup,
  }) => {
    cleanup(declaredOnly({ tokenAuthMethod: 'client_secret_basic' }))
    const { web } = await signedIn()
    const started = await web.post(START)
    const back = await authorizeAtProvider(started.location!)
    assert.equal((await web.get(`${back.pathname}${back.search}`)).location, PAGE)
    assert.deepEqual(
      provider.state.tokenRequests.map(({ grantType, clientAuth }) => [grantType, clientAuth]),
      [['authorization_code', 'basic']]
    )
    assert.lengthOf(await Connection.all(), 1)
  })

  test('a method that is gone by the time the user comes back is a 400, not an error', async ({
    assert,
    cleanup,
  }) => {
    const { web } = await signedIn()
    const started = await web.post(START)
    const back = await authorizeAtProvider(started.location!)
    const name = allyDriverName('fixture-oauth', 'oauth')
    const driver = pluginAllyDrivers[name]
    delete pluginAllyDrivers[name]
    cleanup(() => {
      pluginAllyDrivers[name] = driver
    })
    const callback = await web.get(`${back.pathname}${back.search}`)
    assert.equal(callback.status, 400)
    assert.include(callback.text, 'no longer connects this way')
    assert.lengthOf(await Connection.all(), 0)
  })

  test('a refusal at the provider is explained on the Connections page', async ({ assert }) => {
    const { web } = await signedIn()
    const started = await web.post(START)
    const state = new URL(started.location!).searchParams.get('state')!
    const callback = await web.get(
      `/integrations/oauth/callback?state=${state}&error=access_denied&error_description=The+user+said+no`
    )
    assert.equal(callback.status, 302)
    assert.equal(callback.location, PAGE)
    assert.include(
      (await web.get(PAGE)).text,
      'Fixture OAuth Provider did not authorise the connection: The user said no'
    )
    assert.lengthOf(await Connection.all(), 0)
  })

  test('missing OAuth client settings are named instead of a Connect button', async ({
    assert,
    cleanup,
  }) => {
    const { web } = await signedIn()
    cleanup(withEnv({ FIXTURE_OAUTH_CLIENT_ID: undefined }))
    const page = await web.get(PAGE)
    assert.include(page.text, 'an administrator must configure the OAuth client id')
    assert.notInclude(page.text, 'Connect with Fixture OAuth Provider')
    const refused = await web.post(START)
    assert.equal(refused.location, PAGE)
  })

  test('a viewer may not start an OAuth connect', async ({ assert }) => {
    const { web } = await signedIn('viewer')
    assert.equal((await web.post(START)).status, 403)
  })
})

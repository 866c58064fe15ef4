import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import { createAccount } from '#tests/helpers/accounts'
import { resetDatabase } from '#tests/helpers/database'
import { WebClient } from '#tests/helpers/web_client'
import { withEnv } from '#plugin-sdk/testing'
import type { FakeSnyk } from './fake_snyk.js'
import { seedToken, startSnyk, TOKEN } from './testbed.js'

const PAGE = '/settings/connections'

async function signedIn() {
  const account = await createAccount({ role: 'admin' })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  await web.get(PAGE)
  return { account, web }
}

function connect(web: WebClient, fields: Record<string, string>, baseUrl = '') {
  const form: Record<string, string> = { baseUrl }
  for (const [name, value] of Object.entries(fields)) form[`fields[${name}]`] = value
  return web.post(`${PAGE}/snyk/connect`, form)
}

test.group('Snyk | connect', (group) => {
  let snyk: FakeSnyk
  group.setup(async () => {
    snyk = await startSnyk()
    return () => snyk.stop()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => snyk.reset())

  test('the form asks for a token (a service account recommended), an organisation and a region', async ({
    assert,
  }) => {
    const { web } = await signedIn()
    const { text: page } = await web.get(PAGE)
    assert.include(page, 'name="fields[token]"')
    assert.include(page, 'name="fields[organization]"')
    assert.include(page, 'A service account token is recommended')
    assert.include(page, 'https://api.eu.snyk.io')
  })

  test('a token seeing two organisations: each chosen one becomes a connection, the test naming the token and its organisations', async ({
    assert,
  }) => {
    const [acme, beta] = seedToken(snyk, ['Acme', 'Beta'])
    const { account, web } = await signedIn()
    for (const org of [acme, beta]) {
      const response = await connect(web, { token: TOKEN, organization: org.id })
      assert.equal(response.location, PAGE)
    }
    const connections = await Connection.query()
      .where('organizationId', account.organization.id)
      .where('pluginId', 'snyk')
      .orderBy('id')
    assert.deepEqual(
      connections.map((connection) => [
        connection.accountKey,
        connection.status,
        connection.displayName,
      ]),
      [
        [acme.id, 'active', 'Acme'],
        [beta.id, 'active', 'Beta'],
      ]
    )
    assert.deepInclude(connections[0].configValues, { organization: acme.id, orgSlug: 'acme' })
    // the token is sealed, never stored or shown in clear
    assert.deepEqual(connections[0].openCredentials(), { token: TOKEN })
    const raw = JSON.stringify(await db.from('connections').where('id', connections[0].id).first())
    assert.notInclude(raw, TOKEN)
    const { text: page } = await web.get(PAGE)
    assert.notInclude(page, TOKEN)
    // Test called /rest/self and /rest/orgs with the token, versioned
    const self = snyk.requests.find((request) => request.path === '/rest/self')!
    assert.match(self.query.get('version')!, /^\d{4}-\d{2}-\d{2}$/)
    assert.include(page, 'sextant-reader')
    assert.include(page, 'Acme, Beta')
  })

  test('an organisation the token does not see fails the test, naming the ones it sees', async ({
    assert,
  }) => {
    seedToken(snyk, ['Acme'])
    const { account, web } = await signedIn()
    await connect(web, { token: TOKEN, organization: '00000000-0000-4000-8000-000000000000' })
    const connection = await Connection.findByOrFail('organizationId', account.organization.id)
    assert.equal(connection.status, 'error')
    assert.include(connection.lastError ?? '', 'it sees 1 organisation: Acme')
  })

  test('a wrong token is a failed test that says so, without echoing the token', async ({
    assert,
  }) => {
    const [acme] = seedToken(snyk, ['Acme'])
    const { account, web } = await signedIn()
    await connect(web, { token: 'not-the-right-token', organization: acme.id })
    const connection = await Connection.findByOrFail('organizationId', account.organization.id)
    assert.equal(connection.status, 'error')
    assert.include(connection.lastError ?? '', '401')
    const { text } = await web.get(PAGE)
    assert.notInclude(text, 'not-the-right-token')
  })

  test('an organisation ID that is not one is refused inline with 422', async ({ assert }) => {
    seedToken(snyk, ['Acme'])
    const { account, web } = await signedIn()
    const response = await connect(web, { token: TOKEN, organization: 'acme' })
    assert.equal(response.status, 422)
    assert.lengthOf(await Connection.query().where('organizationId', account.organization.id), 0)
  })

  test('a custom API URL goes through the outbound policy: a loopback address is refused', async ({
    assert,
    cleanup,
  }) => {
    cleanup(withEnv({ OUTBOUND_ALLOWED_HOSTS: '' }))
    const [acme] = seedToken(snyk, ['Acme'])
    const { account, web } = await signedIn()
    const response = await connect(web, { token: TOKEN, organization: acme.id }, snyk.url)
    assert.equal(response.status, 422)
    assert.include(response.text, 'loopback')
    assert.lengthOf(await Connection.query().where('organizationId', account.organization.id), 0)
    assert.lengthOf(snyk.requests, 0)
  })

  test('a custom API URL the policy allows (a region, a single-tenant host) is where every request goes', async ({
    assert,
    cleanup,
  }) => {
    // the default region points nowhere: only the typed URL can answer
    cleanup(withEnv({ SNYK_API_URL: 'http://127.0.0.1:9' }))
    const [acme, beta] = seedToken(snyk, ['Acme', 'Beta'])
    const { account, web } = await signedIn()
    await connect(web, { token: TOKEN, organization: acme.id }, snyk.url)
    const connection = await Connection.findByOrFail('organizationId', account.organization.id)
    assert.equal(connection.status, 'active', connection.lastError ?? '')
    assert.equal(connection.baseUrl, snyk.url)
    assert.isAbove(snyk.count(/^\/rest\/self$/), 0)
    // an organisation picked from it keeps its region
    await web.post(`/integrations/snyk/connections/${connection.publicId}/organizations`, {
      [`organizations[${beta.id}]`]: 'on',
    })
    const picked = await Connection.findByOrFail('accountKey', beta.id)
    assert.equal(picked.baseUrl, snyk.url)
    assert.equal(picked.status, 'active', picked.lastError ?? '')
  })

  test("the connection's page lists every organisation the token sees; ticking others connects each with the same token", async ({
    assert,
  }) => {
    const [acme, beta, gamma] = seedToken(snyk, ['Acme', 'Beta', 'Gamma'])
    const { account, web } = await signedIn()
    await connect(web, { token: TOKEN, organization: acme.id })
    const first = await Connection.findByOrFail('organizationId', account.organization.id)
    const path = `/integrations/snyk/connections/${first.publicId}/organizations`
    const { text: page } = await web.get(path)
    assert.include(page, '<span>Acme <span class="muted">(acme) · connected')
    assert.include(page, `name="organizations[${beta.id}]"`)
    assert.include(page, `name="organizations[${gamma.id}]"`)

    const none = await web.post(path, {})
    assert.equal(none.status, 422)
    assert.include(none.text, 'Tick at least one organisation')

    const unknown = await web.post(path, {
      'organizations[00000000-0000-4000-8000-000000000000]': 'on',
    })
    assert.equal(unknown.status, 422)

    const picked = await web.post(path, { [`organizations[${beta.id}]`]: 'on' })
    assert.equal(picked.location, PAGE)
    const connections = await Connection.query()
      .where('organizationId', account.organization.id)
      .orderBy('id')
    assert.deepEqual(
      connections.map((connection) => [connection.accountKey, connection.status]),
      [
        [acme.id, 'active'],
        [beta.id, 'active'],
      ]
    )
    assert.deepEqual(connections[1].openCredentials(), { token: TOKEN })
  })
})

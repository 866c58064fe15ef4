import { test } from '@japa/runner'
import { createHash } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type Connection from '#models/connection'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'
import { createAccount } from '#tests/helpers/accounts'
import { processQueueUntil } from '#tests/helpers/queue'
import { WebClient } from '#tests/helpers/web_client'
import { startFakeMarketingProvider } from '#tests/helpers/fake_marketing_provider'
import { connectionWebhookUrl } from '#services/webhooks/connection_tokens'

/**
 * Webhooks v2 on the fixture-forms plugin (unsigned, form-encoded, no
 * delivery id, like Mailchimp), through real HTTP: GET handshakes,
 * per-connection URLs carrying a token, delivery ids from the body's
 * digest, rotation.
 */
const BASE = `http://${process.env.HOST}:${process.env.PORT}`
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

async function formsConnection(list = 'audience1') {
  const organization = await createOrganization()
  const connection = await createConnection(organization, {
    pluginId: 'fixture-forms',
    accountKey: list,
    credentials: { apiKey: 'good-key' },
    config: { list },
  })
  return { organization, connection, url: await connectionWebhookUrl(connection) }
}

function post(url: string, body: string, headers: Record<string, string> = FORM) {
  return fetch(url, { method: 'POST', headers, body })
}

const subscribe = (email: string, firedAt = '2026-12-06 23:00:00') =>
  new URLSearchParams({
    'type': 'subscribe',
    'fired_at': firedAt,
    'data[email]': email,
    'data[merges][FNAME]': 'Ada',
  }).toString()

async function formEvents(connection?: Connection) {
  const query = db.from('fixture_forms_events').orderBy('id')
  if (connection) query.where('connection_public_id', connection.publicId)
  return query
}

test.group('Webhooks v2 | handshakes and per-connection URLs', (group) => {
  group.each.setup(resetDatabase())

  test("a GET to a connection's URL is answered by the plugin's handshake", async ({ assert }) => {
    const { url } = await formsConnection()
    const answer = await fetch(`${url}?challenge=c-123`)
    assert.equal(answer.status, 200)
    assert.equal(await answer.text(), 'c-123')
    assert.equal(await (await fetch(url)).text(), 'ok')
  })

  test('a wrong token is refused before the plugin sees anything, GET or POST', async ({
    assert,
  }) => {
    const { url } = await formsConnection()
    const wrong = url.replace(/\/[^/]+$/, '/not-the-token')
    assert.equal((await fetch(`${wrong}?challenge=x`)).status, 404)
    assert.equal((await post(wrong, subscribe('a@example.org'))).status, 404)
    assert.lengthOf(await db.from('webhook_deliveries'), 0)
  })

  test("the shared URL of a plugin whose deliveries go to each connection's URL refuses them", async ({
    assert,
  }) => {
    await formsConnection()
    const response = await post(`${BASE}/api/webhooks/fixture-forms`, subscribe('a@example.org'))
    assert.equal(response.status, 401)
    assert.lengthOf(await db.from('webhook_deliveries'), 0)
  })

  test('a plugin without a handshake answers GET with 405, on its legacy path too', async ({
    assert,
  }) => {
    assert.equal((await fetch(`${BASE}/api/webhooks/fixture`)).status, 405)
    assert.equal((await fetch(`${BASE}/api/webhook-fixture/`)).status, 405)
  })

  test('a form-encoded delivery to a token URL is stored for that connection and handled with its fields', async ({
    assert,
  }) => {
    const { connection, url } = await formsConnection()
    const other = await formsConnection('audience2')
    const response = await post(url, subscribe('ada@example.org'))
    assert.equal(response.status, 202)

    const [stored] = await db.from('webhook_deliveries')
    assert.equal(stored.connection_id, connection.id)
    assert.equal(stored.event, 'subscribe')
    await processQueueUntil(async () => (await formEvents()).length === 1)
    const [handled] = await formEvents()
    assert.equal(handled.connection_public_id, connection.publicId)
    assert.equal(handled.email, 'ada@example.org')
    assert.lengthOf(await formEvents(other.connection), 0)
  })

  test('a delivery without an id gets one from its digest: sent twice, handled once', async ({
    assert,
  }) => {
    const { url } = await formsConnection()
    const body = subscribe('ada@example.org')
    const first = await post(url, body)
    const again = await post(url, body)
    const expectedId = `sha256:${createHash('sha256').update(body).digest('hex')}`
    assert.deepEqual(await first.json(), { status: 'accepted', delivery: expectedId })
    assert.deepEqual(await again.json(), { status: 'duplicate', delivery: expectedId })
    // a different body is another delivery
    const other = (await (await post(url, subscribe('bob@example.org'))).json()) as {
      status: string
    }
    assert.equal(other.status, 'accepted')

    await processQueueUntil(async () => (await formEvents()).length === 2)
    assert.deepEqual(
      (await formEvents()).map((row) => row.email),
      ['ada@example.org', 'bob@example.org']
    )
  })

  test('a JSON body is refused by a plugin that takes forms, with its reason', async ({
    assert,
  }) => {
    const { url } = await formsConnection()
    const response = await post(url, JSON.stringify({ type: 'subscribe' }), {
      'content-type': 'application/json',
    })
    assert.equal(response.status, 400)
    assert.deepEqual(await response.json(), { error: 'deliveries are form-encoded' })
  })
})

test.group('Webhooks v2 | rotating a connection URL', (group) => {
  let provider: Awaited<ReturnType<typeof startFakeMarketingProvider>>

  group.setup(async () => {
    provider = await startFakeMarketingProvider()
    return () => provider.close()
  })
  group.each.setup(resetDatabase())

  test('Rotate refuses the old URL at once and registers the new one with the provider', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'admin' })
    const connection = await createConnection(account.organization, {
      pluginId: 'fixture-forms',
      accountKey: 'audience1',
      credentials: { apiKey: 'good-key' },
      config: { list: 'audience1' },
    })
    const oldUrl = await connectionWebhookUrl(connection)
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const page = await web.get(`/settings/connections/${connection.publicId}`)
    assert.include(page.text, 'Rotate webhook URL')
    // the URL is a credential: never shown
    assert.notInclude(page.text, oldUrl.split('/').at(-1)!)

    const rotated = await web.post(
      `/settings/connections/${connection.publicId}/webhook-url/rotate`,
      { back: 'connection' }
    )
    assert.equal(rotated.status, 302)
    assert.equal((await post(oldUrl, subscribe('a@example.org'))).status, 404)

    const newUrl = await connectionWebhookUrl(connection)
    assert.notEqual(newUrl, oldUrl)
    await processQueueUntil(async () => provider.state.webhooks.size === 1)
    assert.equal([...provider.state.webhooks.values()][0].url, newUrl)
    assert.equal((await provider.deliver('audience1', { type: 'subscribe' }))[0].status, 202)
  })
})

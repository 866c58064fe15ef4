import { test } from '@japa/runner'
import { createHash } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import ReceiveWebhook, { REPLAY_WINDOW_HOURS } from '#actions/webhooks/receive_webhook'
import { connectionWebhookUrl } from '#services/webhooks/connection_tokens'
import { sqlTime } from '#services/sql'
import { webhookRequest } from '#plugin-sdk/testing'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'
import { resetDatabase } from '#tests/helpers/database'
import Connection from '#models/connection'
import { pluginRegistry } from '#services/plugins/registry'
import type { PluginWebhooks } from '#plugin-sdk/types'

/**
 * Receiving a webhook, called directly on the real database: verified by
 * the plugin, stored once per delivery id and once per body within the
 * replay window, owned by the connection of its account, queued once.
 * Over HTTP (status codes, body limits, the 1,000-delivery run) it is
 * tests/functional/webhooks.spec.ts; these are what
 * "npm run mutate -- webhook-receipt" runs per mutant.
 */
const SECRET = process.env.FIXTURE_WEBHOOK_SECRET!

type Options = {
  id?: string
  event?: string
  account?: string | null
  action?: string
  headers?: Record<string, string>
  secret?: string
  item?: string
}

/** a delivery signed like GitHub's, as the fixture plugin verifies it */
function fixtureDelivery(options: Options = {}) {
  const body: Record<string, unknown> = {
    action: options.action ?? 'updated',
    item: { id: options.item ?? options.id ?? 'item-1' },
  }
  if (options.account !== null) body.account = options.account ?? 'acme'
  const headers: Record<string, string> = { 'x-fixture-event': options.event ?? 'item' }
  if (options.id !== '') headers['x-fixture-delivery'] = options.id ?? 'd-1'
  const request = webhookRequest({
    body,
    headers: { ...headers, ...options.headers },
    sign: { secret: options.secret ?? SECRET, header: 'x-fixture-signature', prefix: 'sha256=' },
  })
  const { connection, ...incoming } = request
  return incoming
}

function receive(options: Options = {}, pluginId = 'fixture') {
  return new ReceiveWebhook().execute({ pluginId, request: fixtureDelivery(options) })
}

async function deliveries() {
  return db.from('webhook_deliveries').orderBy('id')
}

/** the rows queued for processing, by delivery row id */
async function queued() {
  const jobs = await db.from('queue_jobs').orderBy('id').select('data')
  return jobs.map((job) => {
    const match = /"deliveryRowId":(\d+)/.exec(String(job.data))
    return match ? Number(match[1]) : null
  })
}

test.group('Webhook receipt', (group) => {
  group.each.setup(resetDatabase())

  test('a verified delivery is stored as it came, owned by its connection, and queued once', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const connection = await createConnection(organization)
    const request = fixtureDelivery({ id: 'd-1' })

    const receipt = await new ReceiveWebhook().execute({ pluginId: 'fixture', request })

    assert.deepEqual(receipt, { outcome: 'accepted', deliveryId: 'd-1' })
    const [row] = await deliveries()
    assert.equal(row.plugin_id, 'fixture')
    assert.equal(row.delivery_id, 'd-1')
    assert.equal(row.event, 'item')
    assert.equal(row.action, 'updated')
    assert.equal(row.organization_id, organization.id)
    assert.equal(row.connection_id, connection.id)
    assert.equal(row.payload, request.rawBody.toString('utf8'))
    assert.equal(row.body_digest, createHash('sha256').update(request.rawBody).digest('hex'))
    assert.equal(row.status, 'pending')
    assert.equal(Number(row.attempts), 0)
    assert.isNotNull(row.received_at)
    assert.deepEqual(await queued(), [row.id])
  })

  test('a repeated delivery id is a duplicate: stored and queued once', async ({ assert }) => {
    await receive({ id: 'd-1', item: 'a' })

    assert.deepEqual(await receive({ id: 'd-1', item: 'b' }), {
      outcome: 'duplicate',
      deliveryId: 'd-1',
    })
    assert.lengthOf(await deliveries(), 1)
    assert.lengthOf(await queued(), 1)
  })

  test('the same body under a new delivery id within the replay window is a duplicate', async ({
    assert,
  }) => {
    await receive({ id: 'd-1', item: 'same' })

    assert.deepEqual(await receive({ id: 'd-2', item: 'same' }), {
      outcome: 'duplicate',
      deliveryId: 'd-2',
    })
    assert.deepEqual(
      (await deliveries()).map((row) => row.delivery_id),
      ['d-1']
    )
    assert.lengthOf(await queued(), 1)
  })

  test('a body older than the replay window no longer holds the same body back', async ({
    assert,
  }) => {
    await receive({ id: 'd-1', item: 'same' })
    const old = sqlTime(DateTime.now().minus({ hours: REPLAY_WINDOW_HOURS, minutes: 1 }))
    await db.from('webhook_deliveries').update({ received_at: old })

    assert.deepEqual(await receive({ id: 'd-2', item: 'same' }), {
      outcome: 'accepted',
      deliveryId: 'd-2',
    })
    const rows = await deliveries()
    assert.deepEqual(
      rows.map((row) => row.delivery_id),
      ['d-1', 'd-2']
    )
    assert.isNull(rows[0].body_digest, "the old row's digest is cleared")
    assert.isNotNull(rows[1].body_digest)
    assert.sameMembers(await queued(), [rows[0].id, rows[1].id])
  })

  test('a body just inside the replay window is still a duplicate', async ({ assert }) => {
    await receive({ id: 'd-1', item: 'same' })
    const recent = sqlTime(DateTime.now().minus({ hours: REPLAY_WINDOW_HOURS, minutes: -5 }))
    await db.from('webhook_deliveries').update({ received_at: recent })

    assert.equal((await receive({ id: 'd-2', item: 'same' })).outcome, 'duplicate')
    assert.lengthOf(await deliveries(), 1)
    assert.isNotNull((await deliveries())[0].body_digest)
  })

  test("another plugin's old rows of the same body are left as they were", async ({ assert }) => {
    // an old row of another plugin with the same body, then this plugin's own
    await receive({ id: 'd-0', item: 'same' })
    const old = sqlTime(DateTime.now().minus({ hours: REPLAY_WINDOW_HOURS + 1 }))
    await db.from('webhook_deliveries').update({ received_at: old, plugin_id: 'fixture-oauth' })
    assert.equal((await receive({ id: 'd-1', item: 'same' })).outcome, 'accepted')

    assert.equal((await receive({ id: 'd-2', item: 'same' })).outcome, 'duplicate')
    const rows = await deliveries()
    assert.deepEqual(
      rows.map((row) => row.delivery_id),
      ['d-0', 'd-1']
    )
    assert.isNotNull(rows[0].body_digest, "another plugin's digest is not this plugin's to clear")
  })

  test('credentials are dropped from the stored headers; signatures and the rest are kept', async ({
    assert,
  }) => {
    await receive({
      id: 'd-1',
      headers: {
        'authorization': 'Bearer stolen',
        'cookie': 'session=stolen',
        'x-api-key': 'stolen',
        'proxy-authorization': 'Basic stolen',
        'user-agent': 'Fixture-Hookshot',
      },
    })

    const headers = JSON.parse((await deliveries())[0].headers)
    assert.deepEqual(Object.keys(headers).sort(), [
      'content-type',
      'user-agent',
      'x-fixture-delivery',
      'x-fixture-event',
      'x-fixture-signature',
    ])
    assert.equal(headers['user-agent'], 'Fixture-Hookshot')
  })

  test('an event and an action are kept to 128 characters, a delivery id to 191', async ({
    assert,
  }) => {
    const receipt = await receive({
      id: 'i'.repeat(200),
      event: 'e'.repeat(150),
      action: 'a'.repeat(150),
    })

    assert.deepEqual(receipt, { outcome: 'accepted', deliveryId: 'i'.repeat(191) })
    const [row] = await deliveries()
    assert.equal(row.delivery_id, 'i'.repeat(191))
    assert.equal(row.event, 'e'.repeat(128))
    assert.equal(row.action, 'a'.repeat(128))
  })

  test('the owner is the oldest receiving connection of the account, in its organisation', async ({
    assert,
  }) => {
    const leaving = await createConnection(await createOrganization(), { accountKey: 'acme' })
    await db.from('connections').where('id', leaving.id).update({ status: 'disconnecting' })
    const other = await createConnection(await createOrganization(), { accountKey: 'other' })
    const first = await createOrganization()
    const owner = await createConnection(first, { accountKey: 'acme' })
    await createConnection(await createOrganization(), { accountKey: 'acme' })
    await createConnection(first, { pluginId: 'fixture-oauth', accountKey: 'acme' })

    await receive({ id: 'd-1' })

    const [row] = await deliveries()
    assert.equal(row.connection_id, owner.id)
    assert.equal(row.organization_id, first.id)
    assert.notEqual(row.connection_id, other.id)
  })

  test('a delivery whose account no connection has is stored without an owner', async ({
    assert,
  }) => {
    await createConnection(await createOrganization(), { accountKey: 'acme' })

    await receive({ id: 'd-1', account: 'nobody' })
    await receive({ id: 'd-2', account: null })

    const rows = await deliveries()
    assert.deepEqual(
      rows.map((row) => [row.organization_id, row.connection_id]),
      [
        [null, null],
        [null, null],
      ]
    )
    assert.lengthOf(await queued(), 2)
  })

  test('a bad signature is refused as the plugin says, and nothing is stored', async ({
    assert,
  }) => {
    const receipt = await receive({ id: 'd-1', secret: 'wrong-secret' })

    assert.deepEqual(receipt, {
      outcome: 'refused',
      status: 401,
      reason: 'signature does not match',
    })
    assert.lengthOf(await deliveries(), 0)
    assert.lengthOf(await queued(), 0)
  })

  test('a plugin that does not exist or takes no webhooks is refused with 404', async ({
    assert,
  }) => {
    for (const pluginId of ['no-such-plugin', 'fixture-oauth']) {
      assert.deepEqual(await receive({ id: 'd-1' }, pluginId), {
        outcome: 'refused',
        status: 404,
        reason: `No plugin "${pluginId}" receives webhooks`,
      })
    }
    assert.lengthOf(await deliveries(), 0)
  })
})

test.group('Webhook receipt | per-connection URLs', (group) => {
  group.each.setup(resetDatabase())

  /** a form delivery as fixture-forms takes it (no delivery id: the body's digest stands for one) */
  function formDelivery(email: string) {
    const { connection, ...incoming } = webhookRequest({
      body: new URLSearchParams({ 'type': 'subscribe', 'data[email]': email }),
    })
    return incoming
  }

  async function tokenAddress() {
    const organization = await createOrganization()
    const connection = await createConnection(organization, { pluginId: 'fixture-forms' })
    const url = await connectionWebhookUrl(connection)
    const [publicId, token] = url.split('/').slice(-2)
    return { organization, connection, address: { connectionPublicId: publicId, token } }
  }

  test("a delivery to a connection's URL is owned by that connection; without an id, its body's digest names it", async ({
    assert,
  }) => {
    const { organization, connection, address } = await tokenAddress()
    const request = formDelivery('ada@example.com')
    const digest = createHash('sha256').update(request.rawBody).digest('hex')

    const receipt = await new ReceiveWebhook().execute({
      pluginId: 'fixture-forms',
      request,
      address,
    })

    assert.deepEqual(receipt, { outcome: 'accepted', deliveryId: `sha256:${digest}` })
    const [row] = await deliveries()
    assert.equal(row.delivery_id, `sha256:${digest}`)
    assert.equal(row.connection_id, connection.id)
    assert.equal(row.organization_id, organization.id)
    assert.isNull(row.action)
  })

  test('a wrong token is refused with 404, and the shared URL of a token plugin with 401', async ({
    assert,
  }) => {
    const { address } = await tokenAddress()
    const request = formDelivery('ada@example.com')

    const wrong = await new ReceiveWebhook().execute({
      pluginId: 'fixture-forms',
      request,
      address: { ...address, token: `${address.token.slice(0, -1)}x` },
    })
    const shared = await new ReceiveWebhook().execute({ pluginId: 'fixture-forms', request })

    assert.deepEqual(wrong, {
      outcome: 'refused',
      status: 404,
      reason: 'This webhook URL is unknown, or its token was rotated',
    })
    assert.deepEqual(shared, {
      outcome: 'refused',
      status: 401,
      reason: "Fixture Forms Provider deliveries go to each connection's own webhook URL",
    })
    assert.lengthOf(await deliveries(), 0)
  })
})

/**
 * verify() as a plugin writes it, with the helpers the platform hands it:
 * the fixture-forms plugin's webhooks, swapped for one test and put back.
 */
test.group('Webhook receipt | what verify() is given', (group) => {
  group.each.setup(resetDatabase())

  const forms = () => pluginRegistry.get('fixture-forms')!.definition
  let original: PluginWebhooks
  group.each.setup(() => {
    original = forms().webhooks!
    return () => {
      forms().webhooks = original
    }
  })

  /** fixture-forms' webhooks with another verify() (and options) in place */
  function formsWebhooks(verify: PluginWebhooks['verify'], options: Partial<PluginWebhooks> = {}) {
    forms().webhooks = { ...original, ...options, verify }
  }

  function formDelivery() {
    const { connection, ...incoming } = webhookRequest({
      body: new URLSearchParams({ 'type': 'subscribe', 'data[email]': 'ada@example.com' }),
    })
    return incoming
  }

  test("a refusal keeps the plugin's status; one without a status is a 401", async ({ assert }) => {
    const organization = await createOrganization()
    const connection = await createConnection(organization, { pluginId: 'fixture-forms' })
    const badRequest = await new ReceiveWebhook().execute({
      pluginId: 'fixture-forms',
      request: { ...formDelivery(), body: { email: 'ada@example.com' } },
      address: await addressOf(connection),
    })
    formsWebhooks(async () => ({ ok: false, reason: 'no credentials' }))
    const unauthorised = await new ReceiveWebhook().execute({
      pluginId: 'fixture-forms',
      request: formDelivery(),
      address: await addressOf(connection),
    })

    assert.deepEqual(badRequest, { outcome: 'refused', status: 400, reason: 'type is required' })
    assert.deepEqual(unauthorised, { outcome: 'refused', status: 401, reason: 'no credentials' })
    assert.lengthOf(await deliveries(), 0)
  })

  test('a legacy path reaches verify() only when the plugin verifies legacy deliveries itself, and the connection verify() names owns it', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const connection = await createConnection(organization, { pluginId: 'fixture-forms' })
    const seen: Array<unknown> = []
    const verify: PluginWebhooks['verify'] = async (request, helpers) => {
      seen.push(request.connection)
      const named = await helpers.connection(connection.publicId)
      return { ok: true, event: 'subscribe', connectionPublicId: named?.publicId ?? null }
    }
    const deliver = (legacyPath: boolean) =>
      new ReceiveWebhook().execute({
        pluginId: 'fixture-forms',
        request: formDelivery(),
        legacyPath,
      })

    formsWebhooks(verify)
    const notVerifying = await deliver(true)
    formsWebhooks(verify, { legacyPathAuthentication: 'verify' })
    const shared = await deliver(false)
    const legacy = await deliver(true)

    const refused = {
      outcome: 'refused',
      status: 401,
      reason: "Fixture Forms Provider deliveries go to each connection's own webhook URL",
    }
    assert.deepEqual(notVerifying, refused)
    assert.deepEqual(shared, refused, 'the shared URL still refuses')
    assert.equal(legacy.outcome, 'accepted')
    assert.deepEqual(seen, [null], 'verify() ran once, for the legacy path, with no connection')
    const [row] = await deliveries()
    assert.equal(row.connection_id, connection.id)
    assert.equal(row.organization_id, organization.id)
  })

  test("helpers.connection() finds this plugin's receiving connections by public id, and nothing else", async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const make = (accountKey: string, status: 'active' | 'inactive' | 'error' | 'pending') =>
      createConnection(organization, { pluginId: 'fixture-forms', accountKey, status })
    const receiving = [
      await make('a', 'active'),
      await make('b', 'inactive'),
      await make('c', 'error'),
      await make('d', 'pending'),
    ]
    const leaving = await make('e', 'active')
    await Connection.query().where('id', leaving.id).update({ status: 'disconnecting' })
    const otherPlugin = await createConnection(organization, { pluginId: 'fixture' })
    const asked = [
      ...receiving.map((row) => row.publicId),
      leaving.publicId,
      otherPlugin.publicId,
      'not-a-public-id',
    ]
    let found: Array<string | null> = []
    formsWebhooks(async (_request, helpers) => {
      found = await Promise.all(
        asked.map(async (publicId) => (await helpers.connection(publicId))?.publicId ?? null)
      )
      return { ok: false, status: 403, reason: 'looked only' }
    })

    const receipt = await new ReceiveWebhook().execute({
      pluginId: 'fixture-forms',
      request: formDelivery(),
      address: await addressOf(receiving[0]),
    })

    assert.deepEqual(receipt, { outcome: 'refused', status: 403, reason: 'looked only' })
    assert.deepEqual(found, [...receiving.map((row) => row.publicId), null, null, null])
  })

  test("helpers.connectionsFor() gives the account's active and inactive connections of this plugin", async ({
    assert,
  }) => {
    // one organisation each: an organisation has one connection per account
    const make = async (
      accountKey: string,
      status: 'active' | 'inactive' | 'error' | 'pending',
      pluginId = 'fixture-forms'
    ) => createConnection(await createOrganization(), { pluginId, accountKey, status })
    const active = await make('acme', 'active')
    const inactive = await make('acme', 'inactive')
    await make('acme', 'error')
    await make('acme', 'pending')
    await make('other', 'active')
    await make('acme', 'active', 'fixture')
    let found: string[] = []
    formsWebhooks(async (_request, helpers) => {
      found = (await helpers.connectionsFor('acme')).map((handle) => handle.publicId)
      return { ok: false, status: 403, reason: 'looked only' }
    })

    await new ReceiveWebhook().execute({
      pluginId: 'fixture-forms',
      request: formDelivery(),
      address: await addressOf(active),
    })

    assert.sameMembers(found, [active.publicId, inactive.publicId])
  })

  test('the crash hook (NODE_ENV=test) kills the process after the row is stored, before it is queued', async ({
    assert,
    cleanup,
  }) => {
    const kill = process.kill
    const kills: unknown[][] = []
    process.kill = ((...args: unknown[]) => {
      kills.push(args)
      throw new Error('killed')
    }) as typeof process.kill
    process.env.WEBHOOK_TEST_CRASH_AFTER_STORE = 'd-crash'
    cleanup(() => {
      process.kill = kill
      delete process.env.WEBHOOK_TEST_CRASH_AFTER_STORE
    })

    await receive({ id: 'd-other' })
    await assert.rejects(() => receive({ id: 'd-crash' }), 'killed')

    assert.deepEqual(kills, [[process.pid, 'SIGKILL']])
    assert.deepEqual(
      (await deliveries()).map((row) => row.delivery_id),
      ['d-other', 'd-crash']
    )
    assert.lengthOf(await queued(), 1)
  })
})

async function addressOf(connection: Connection) {
  const [connectionPublicId, token] = (await connectionWebhookUrl(connection)).split('/').slice(-2)
  return { connectionPublicId, token }
}

import { test } from '@japa/runner'
import { createHash } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import ProcessWebhookDelivery from '#actions/webhooks/process_webhook_delivery'
import RetryDelivery from '#actions/webhooks/retry_delivery'
import { publicIds } from '#services/public_id'
import { sqlTime } from '#services/sql'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#tests/helpers/env'

/**
 * Processing a stored webhook delivery exactly once, called directly on
 * the real database: the fixture plugin's "item.updated" handler writes
 * one fixture_webhook_effects row per handling, in the delivery's
 * transaction, so the rows count the effects. Receipt over HTTP, the
 * queue and racing worker processes are in tests/functional/webhooks.spec.ts;
 * these are what "npm run mutate -- webhook-processing" runs per mutant.
 */
type Stored = {
  pluginId?: string
  event?: string
  action?: string | null
  status?: string
  connectionId?: number | null
  payload?: string
  contentType?: string
}

let sequence = 0

async function storedDelivery(options: Stored = {}) {
  sequence += 1
  const payload =
    options.payload ??
    JSON.stringify({ action: 'updated', account: 'acme', item: { id: `item-${sequence}` } })
  const [row] = await db
    .table('webhook_deliveries')
    .insert({
      plugin_id: options.pluginId ?? 'fixture',
      delivery_id: `delivery-${sequence}`,
      event: options.event ?? 'item',
      action: options.action === undefined ? 'updated' : options.action,
      connection_id: options.connectionId ?? null,
      headers: JSON.stringify({ 'content-type': options.contentType ?? 'application/json' }),
      payload,
      body_digest: createHash('sha256').update(payload).digest('hex'),
      status: options.status ?? 'pending',
      attempts: 0,
      received_at: sqlTime(),
      updated_at: sqlTime(),
    })
    .returning('id')
  return Number(typeof row === 'object' ? row.id : row)
}

async function deliveryRow(id: number) {
  return db.from('webhook_deliveries').where('id', id).firstOrFail()
}

async function effects() {
  return db.from('fixture_webhook_effects').orderBy('id')
}

test.group('Webhook processing', (group) => {
  group.each.setup(resetDatabase())

  test('a pending delivery is handled once and marked processed, with its attempt counted', async ({
    assert,
  }) => {
    const id = await storedDelivery()

    assert.equal(await new ProcessWebhookDelivery().execute(id), 'processed')

    const row = await deliveryRow(id)
    assert.equal(row.status, 'processed')
    assert.equal(Number(row.attempts), 1)
    assert.isNull(row.last_error)
    assert.isNotNull(row.processed_at)
    const written = await effects()
    assert.lengthOf(written, 1)
    assert.equal(written[0].delivery_id, `delivery-${sequence}`)
    assert.equal(written[0].item_id, `item-${sequence}`)
  })

  test('processing the same delivery again is skipped and takes no second effect', async ({
    assert,
  }) => {
    const id = await storedDelivery()
    await new ProcessWebhookDelivery().execute(id)

    assert.equal(await new ProcessWebhookDelivery().execute(id), 'skipped')
    assert.lengthOf(await effects(), 1)
    assert.equal(Number((await deliveryRow(id)).attempts), 1)
  })

  test('a delivery another worker is processing is skipped', async ({ assert }) => {
    const id = await storedDelivery({ status: 'processing' })

    assert.equal(await new ProcessWebhookDelivery().execute(id), 'skipped')
    assert.lengthOf(await effects(), 0)
    assert.equal((await deliveryRow(id)).status, 'processing')
  })

  test('a row that does not exist is skipped', async ({ assert }) => {
    assert.equal(await new ProcessWebhookDelivery().execute(987_654), 'skipped')
  })

  test('two concurrent processings of one delivery take one effect', async ({ assert }) => {
    const id = await storedDelivery()

    const outcomes = await Promise.all([
      new ProcessWebhookDelivery().execute(id),
      new ProcessWebhookDelivery().execute(id),
    ])

    assert.sameMembers(outcomes, ['processed', 'skipped'])
    assert.lengthOf(await effects(), 1)
  })

  test('a failing handler leaves the delivery failed with its message, and its writes rolled back', async ({
    assert,
    cleanup,
  }) => {
    cleanup(withEnv({ FIXTURE_WEBHOOK_FAILING: 'after-write' }))
    const id = await storedDelivery()

    await assert.rejects(
      () => new ProcessWebhookDelivery().execute(id),
      'the fixture handler failed after writing'
    )

    const row = await deliveryRow(id)
    assert.equal(row.status, 'failed')
    assert.equal(row.last_error, 'the fixture handler failed after writing')
    assert.isNull(row.processed_at)
    assert.lengthOf(await effects(), 0, 'the write went with the failed run')
  })

  test("a failure's message is kept to its first 2,000 characters", async ({ assert, cleanup }) => {
    cleanup(withEnv({ FIXTURE_WEBHOOK_FAILING: 'long' }))
    const id = await storedDelivery()

    await assert.rejects(() => new ProcessWebhookDelivery().execute(id))

    const kept = (await deliveryRow(id)).last_error
    assert.lengthOf(kept, 2000)
    assert.equal(kept, `the fixture handler failed: ${'x'.repeat(2500)}`.slice(0, 2000))
  })

  test('a failed delivery is claimed again: the retry takes the effect once', async ({
    assert,
    cleanup,
  }) => {
    const restore = withEnv({ FIXTURE_WEBHOOK_FAILING: 'true' })
    cleanup(restore)
    const id = await storedDelivery()
    await assert.rejects(() => new ProcessWebhookDelivery().execute(id))
    restore()

    assert.equal(await new ProcessWebhookDelivery().execute(id), 'processed')
    const row = await deliveryRow(id)
    assert.equal(Number(row.attempts), 2)
    assert.isNull(row.last_error)
    assert.lengthOf(await effects(), 1)
  })

  test('an event no handler wants is marked processed and takes no effect', async ({ assert }) => {
    const id = await storedDelivery({ event: 'unwanted', action: null })

    assert.equal(await new ProcessWebhookDelivery().execute(id), 'processed')
    assert.equal((await deliveryRow(id)).status, 'processed')
    assert.lengthOf(await effects(), 0)
  })

  test('an event named after an Object property reaches no handler', async ({ assert }) => {
    for (const event of ['__proto__', 'constructor', 'toString']) {
      const id = await storedDelivery({ event, action: null })
      assert.equal(await new ProcessWebhookDelivery().execute(id), 'processed', event)
    }
    assert.lengthOf(await effects(), 0)
  })

  test('the handler is chosen by event and action, then by event alone', async ({ assert }) => {
    const byAction = await storedDelivery({ event: 'item', action: 'updated' })
    const otherAction = await storedDelivery({ event: 'item', action: 'deleted' })

    await new ProcessWebhookDelivery().execute(byAction)
    await new ProcessWebhookDelivery().execute(otherAction)

    assert.deepEqual(
      (await effects()).map((effect) => effect.delivery_id),
      [`delivery-${sequence - 1}`]
    )
  })

  test('a plugin\'s catch-all handler ("*") takes any event it has no handler for', async ({
    assert,
  }) => {
    const id = await storedDelivery({
      pluginId: 'fixture-forms',
      event: 'subscribe',
      action: null,
      payload: 'type=subscribe&data%5Bemail%5D=ada%40example.com',
      contentType: 'application/x-www-form-urlencoded',
    })

    assert.equal(await new ProcessWebhookDelivery().execute(id), 'processed')

    const events = await db.from('fixture_forms_events').select('delivery_id', 'type', 'email')
    assert.deepEqual(events, [
      { delivery_id: `delivery-${sequence}`, type: 'subscribe', email: 'ada@example.com' },
    ])
  })

  test("the handler is given the delivery's connection", async ({ assert }) => {
    const organization = await createOrganization()
    const connection = await createConnection(organization, { accountKey: 'acme' })
    const id = await storedDelivery({ connectionId: connection.id })

    await new ProcessWebhookDelivery().execute(id)

    const [effect] = await effects()
    assert.equal(effect.connection_public_id, publicIds('connection').encode(connection.id))
  })

  test('a body is read as the type it was declared: a form whose text is JSON stays a form', async ({
    assert,
  }) => {
    const id = await storedDelivery({
      payload: JSON.stringify({ item: { id: 'json-item' } }),
      contentType: 'application/x-www-form-urlencoded',
    })

    await new ProcessWebhookDelivery().execute(id)

    const [effect] = await effects()
    assert.isNull(effect.item_id)
  })

  test('a body stored under another content type is read as JSON, or else as a form', async ({
    assert,
  }) => {
    const json = await storedDelivery({
      payload: JSON.stringify({ item: { id: 'plain-json' } }),
      contentType: 'text/plain',
    })
    const form = await storedDelivery({
      payload: 'item%5Bid%5D=plain-form',
      contentType: 'text/plain',
    })

    await new ProcessWebhookDelivery().execute(json)
    await new ProcessWebhookDelivery().execute(form)

    assert.deepEqual(
      (await effects()).map((effect) => effect.item_id),
      ['plain-json', 'plain-form']
    )
  })

  test('a form-encoded body is parsed as the form it was received as', async ({ assert }) => {
    const id = await storedDelivery({
      payload: 'action=updated&item%5Bid%5D=form-item',
      contentType: 'application/x-www-form-urlencoded',
    })

    await new ProcessWebhookDelivery().execute(id)

    const [effect] = await effects()
    assert.equal(effect.item_id, 'form-item')
  })
})

test.group('Webhook retry', (group) => {
  group.each.setup(resetDatabase())

  test('a failed delivery is set pending again and queued', async ({ assert }) => {
    const id = await storedDelivery({ status: 'failed' })

    await new RetryDelivery().execute(publicIds('webhook_delivery').encode(id))

    assert.equal((await deliveryRow(id)).status, 'pending')
    const jobs = await db.from('queue_jobs').where('status', 'pending').select('data')
    assert.lengthOf(jobs, 1)
    assert.include(String(jobs[0].data), `"deliveryRowId":${id}`)
  })

  test('a delivery that did not fail is refused with 409 and left as it was', async ({
    assert,
  }) => {
    for (const status of ['processed', 'processing', 'pending']) {
      const id = await storedDelivery({ status })
      const refusal = await new RetryDelivery()
        .execute(publicIds('webhook_delivery').encode(id))
        .catch((error) => error)
      assert.equal(refusal.status, 409, status)
      assert.equal(refusal.code, 'E_DELIVERY_NOT_RETRYABLE')
      assert.equal(refusal.message, 'Only a failed delivery can be retried')
      assert.equal((await deliveryRow(id)).status, status)
    }
    assert.lengthOf(await db.from('queue_jobs'), 0)
  })

  test('an id that names no delivery is refused with 404', async ({ assert }) => {
    for (const publicId of ['nonsense', publicIds('webhook_delivery').encode(424_242)]) {
      const refusal = await new RetryDelivery().execute(publicId).catch((error) => error)
      assert.equal(refusal.status, 404, `${publicId}: ${refusal.message}`)
      assert.equal(refusal.code, 'E_DELIVERY_NOT_FOUND')
      assert.equal(refusal.message, 'No such webhook delivery')
    }
  })
})

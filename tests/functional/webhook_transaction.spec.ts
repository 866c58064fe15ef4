import { test } from '@japa/runner'
import { createHmac } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#tests/helpers/env'
import ProcessWebhookDelivery from '#actions/webhooks/process_webhook_delivery'

const BASE = () => `http://${process.env.HOST}:${process.env.PORT}`

/** a signed delivery of the fixture plugin, stored by the test server; answers its row id */
async function storeDelivery(id: string) {
  const body = JSON.stringify({ action: 'updated', account: 'acme', item: { id } })
  const signature = createHmac('sha256', process.env.FIXTURE_WEBHOOK_SECRET!)
    .update(body)
    .digest('hex')
  const response = await fetch(`${BASE()}/api/webhooks/fixture`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-fixture-signature': `sha256=${signature}`,
      'x-fixture-delivery': id,
      'x-fixture-event': 'item',
    },
    body,
  })
  if (response.status !== 202) throw new Error(`delivery ${id} answered ${response.status}`)
  const row = await db.from('webhook_deliveries').where('delivery_id', id).firstOrFail()
  return Number(row.id)
}

async function effectsOf(deliveryId: string) {
  return (await db.from('fixture_webhook_effects').where('delivery_id', deliveryId)).length
}

test.group("Webhooks | a handler's transaction", (group) => {
  group.each.setup(resetDatabase())

  test('what a failed run wrote through it is rolled back with the run', async ({ assert }) => {
    const rowId = await storeDelivery('tx-failed')
    const restore = withEnv({ FIXTURE_WEBHOOK_FAILING: 'after-write' })
    let failure: unknown = null
    try {
      await new ProcessWebhookDelivery().execute(rowId)
    } catch (error) {
      failure = error
    } finally {
      restore()
    }
    assert.match(String(failure), /failed after writing/)
    assert.equal(await effectsOf('tx-failed'), 0, 'the write went with the failed run')
    const row = await db.from('webhook_deliveries').where('id', rowId).firstOrFail()
    assert.equal(row.status, 'failed')

    assert.equal(await new ProcessWebhookDelivery().execute(rowId), 'processed')
    assert.equal(await effectsOf('tx-failed'), 1, 'the run that finished wrote once')
  })

  test('the write and the processed mark are committed together', async ({ assert }) => {
    const rowId = await storeDelivery('tx-once')
    assert.equal(await new ProcessWebhookDelivery().execute(rowId), 'processed')
    assert.equal(await new ProcessWebhookDelivery().execute(rowId), 'skipped')
    assert.equal(await effectsOf('tx-once'), 1)
    const row = await db.from('webhook_deliveries').where('id', rowId).firstOrFail()
    assert.equal(row.status, 'processed')
    assert.isNotNull(row.processed_at)
  })
})

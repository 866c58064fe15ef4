import { test } from '@japa/runner'
import { createHmac } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'
import { processQueueUntil } from '#tests/helpers/queue'

const BASE = `http://${process.env.HOST}:${process.env.PORT}`

/** a delivery signed like the fixture plugin expects, with the event name a sender chose */
function signedDelivery(id: string, event: string) {
  const body = JSON.stringify({ action: 'updated', account: 'acme', item: { id: `item-${id}` } })
  const signature = createHmac('sha256', process.env.FIXTURE_WEBHOOK_SECRET!)
    .update(body)
    .digest('hex')
  return fetch(`${BASE}/api/webhooks/fixture`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-fixture-signature': `sha256=${signature}`,
      'x-fixture-delivery': id,
      'x-fixture-event': event,
    },
    body,
  })
}

test.group('Webhook event names select no inherited code', (group) => {
  group.each.setup(resetDatabase())

  for (const event of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    test(`a signed delivery of event "${event}" is processed once as an event nobody handles`, async ({
      assert,
    }) => {
      await createConnection(await createOrganization())
      assert.equal((await signedDelivery(`d-${event}`, event)).status, 202)
      await processQueueUntil(
        async () =>
          Boolean(
            await db
              .from('webhook_deliveries')
              .where('delivery_id', `d-${event}`)
              .whereIn('status', ['processed', 'failed'])
              .first()
          ),
        { timeoutMs: 60_000, concurrency: 1 }
      )
      const row = await db.from('webhook_deliveries').where('delivery_id', `d-${event}`).first()
      assert.equal(row.status, 'processed')
      assert.equal(row.attempts, 1)
      assert.isNull(row.last_error)
    })
  }
})

import { createHmac, randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { processQueueUntil } from '#tests/helpers/queue'

/**
 * Sends one delivery to the fixture plugin's webhook endpoint, signed
 * like GitHub's, for the connection of account `acme`, and works the
 * queue until the platform has handled it (the handler writes through
 * the connection's domain store, as a real provider's handler does).
 */
export async function deliverToFixture(
  event: string,
  action: string,
  payload: Record<string, unknown>,
  account = 'acme'
) {
  const id = randomUUID()
  // the delivery id in the body too: a body sent twice would be refused as a replay
  const body = JSON.stringify({ action, account, delivery: id, ...payload })
  const signature = createHmac('sha256', process.env.FIXTURE_WEBHOOK_SECRET!)
    .update(body)
    .digest('hex')
  const response = await fetch(
    `http://${process.env.HOST}:${process.env.PORT}/api/webhooks/fixture`,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-fixture-signature': `sha256=${signature}`,
        'x-fixture-delivery': id,
        'x-fixture-event': event,
      },
      body,
    }
  )
  if (response.status !== 202) {
    throw new Error(`the delivery was answered ${response.status}: ${await response.text()}`)
  }
  await processQueueUntil(async () => {
    const row = await db.from('webhook_deliveries').where('delivery_id', id).first()
    if (row?.status === 'failed') throw new Error(`the delivery failed: ${row.last_error ?? ''}`)
    return row?.status === 'processed'
  })
}

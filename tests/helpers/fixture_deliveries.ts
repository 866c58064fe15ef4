import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { postDelivery } from '#plugin-sdk/testing'
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
  const response = await postDelivery({
    pluginId: 'fixture',
    body,
    headers: { 'x-fixture-delivery': id, 'x-fixture-event': event },
    sign: {
      secret: process.env.FIXTURE_WEBHOOK_SECRET!,
      header: 'x-fixture-signature',
      prefix: 'sha256=',
    },
  })
  if (response.status !== 202) {
    throw new Error(`the delivery was answered ${response.status}: ${await response.text()}`)
  }
  await processQueueUntil(async () => {
    const row = await db.from('webhook_deliveries').where('delivery_id', id).first()
    if (row?.status === 'failed') throw new Error(`the delivery failed: ${row.last_error ?? ''}`)
    return row?.status === 'processed'
  })
}

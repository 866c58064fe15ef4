import { createHmac } from 'node:crypto'
import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { sqlTime } from '#services/sql'
import { REPLAY_WINDOW_HOURS } from '#actions/webhooks/receive_webhook'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'

const BASE = () => `http://${process.env.HOST}:${process.env.PORT}`

/** a validly signed fixture delivery of a fixed body, under the delivery id given */
function signedDelivery(deliveryId: string, body: string) {
  const signature = createHmac('sha256', process.env.FIXTURE_WEBHOOK_SECRET!)
    .update(body)
    .digest('hex')
  return fetch(`${BASE()}/api/webhooks/fixture`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-fixture-signature': `sha256=${signature}`,
      'x-fixture-delivery': deliveryId,
      'x-fixture-event': 'item',
    },
    body,
  })
}

const BODY = JSON.stringify({
  action: 'updated',
  account: 'acme',
  item: { id: 'replayed', title: 'x' },
})

async function storedDeliveries() {
  const [{ total }] = await db.from('webhook_deliveries').count('* as total')
  return Number(total)
}

test.group('Security | a signed delivery replayed under a new id', (group) => {
  group.each.setup(resetDatabase())

  test('is acknowledged as a duplicate and stored once', async ({ assert }) => {
    await createConnection(await createOrganization())
    const first = await signedDelivery('original-id', BODY)
    assert.equal(first.status, 202)
    const replay = await signedDelivery('new-id-chosen-by-the-attacker', BODY)
    assert.equal(replay.status, 202)
    assert.equal(((await replay.json()) as { status: string }).status, 'duplicate')
    assert.equal(await storedDeliveries(), 1)
  })

  test('is accepted again once the replay window has passed', async ({ assert }) => {
    await createConnection(await createOrganization())
    assert.equal((await signedDelivery('original-id', BODY)).status, 202)
    const longAgo = DateTime.now().minus({ hours: REPLAY_WINDOW_HOURS, minutes: 1 })
    await db.from('webhook_deliveries').update({ received_at: sqlTime(longAgo) })

    const later = await signedDelivery('a-later-id', BODY)
    assert.equal(((await later.json()) as { status: string }).status, 'accepted')
    assert.equal(await storedDeliveries(), 2)
  })
})

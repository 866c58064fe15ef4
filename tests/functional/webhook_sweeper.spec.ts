import { test } from '@japa/runner'
import { createHmac } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'
import { processQueueUntil } from '#tests/helpers/queue'
import { sqlTime } from '#services/sql'
import RequeueStalledDeliveries, {
  PENDING_STALL_MINUTES,
  PROCESSING_STALL_MINUTES,
} from '#actions/webhooks/requeue_stalled_deliveries'

const BASE = () => `http://${process.env.HOST}:${process.env.PORT}`

/** a signed delivery of the fixture plugin; answers its row id */
async function storeDelivery(id: string) {
  const body = JSON.stringify({ action: 'updated', account: 'acme', item: { id, title: 'x' } })
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

async function age(rowId: number, minutes: number, status?: string) {
  await db
    .from('webhook_deliveries')
    .where('id', rowId)
    .update({
      ...(status ? { status } : {}),
      updated_at: sqlTime(DateTime.now().minus({ minutes })),
    })
}

/** the web process died before queueing: the delivery has no job */
async function loseQueuedJobs() {
  await db.from('queue_jobs').delete()
}

async function effectsOf(deliveryId: string) {
  const rows = await db.from('fixture_webhook_effects').where('delivery_id', deliveryId)
  return rows.length
}

async function statusOf(rowId: number) {
  return (await db.from('webhook_deliveries').where('id', rowId).firstOrFail()).status
}

test.group('Webhook sweeper | nothing stays pending forever, nothing runs twice', (group) => {
  group.each.setup(resetDatabase())
  group.each.setup(async () => {
    await createConnection(await createOrganization())
  })

  test('a delivery whose job was lost is queued again and processed once', async ({ assert }) => {
    const rowId = await storeDelivery('lost-job')
    await loseQueuedJobs()
    await age(rowId, PENDING_STALL_MINUTES + 1)

    assert.deepEqual(await new RequeueStalledDeliveries().execute(), {
      requeuedPending: 1,
      requeuedAbandoned: 0,
    })
    await processQueueUntil(async () => (await statusOf(rowId)) === 'processed')
    assert.equal(await effectsOf('lost-job'), 1)
  })

  test('a recent pending delivery is left to its own job', async ({ assert }) => {
    const rowId = await storeDelivery('recent')
    await age(rowId, PENDING_STALL_MINUTES - 1)
    assert.deepEqual(await new RequeueStalledDeliveries().execute(), {
      requeuedPending: 0,
      requeuedAbandoned: 0,
    })
  })

  test('a stalled delivery is taken by one sweep only, however many schedulers run', async ({
    assert,
  }) => {
    const rowId = await storeDelivery('two-sweepers')
    await loseQueuedJobs()
    await age(rowId, PENDING_STALL_MINUTES + 1)

    const sweeps = await Promise.all([
      new RequeueStalledDeliveries().execute(),
      new RequeueStalledDeliveries().execute(),
    ])
    assert.equal(sweeps[0].requeuedPending + sweeps[1].requeuedPending, 1)
    const [{ total }] = await db.from('queue_jobs').count('* as total')
    assert.equal(Number(total), 1)
    // the next sweep finds it fresh again
    assert.equal((await new RequeueStalledDeliveries().execute()).requeuedPending, 0)
  })

  test('a late original job and the sweeper’s job together handle the delivery once', async ({
    assert,
  }) => {
    const rowId = await storeDelivery('late-job')
    await age(rowId, PENDING_STALL_MINUTES + 1)
    assert.equal((await new RequeueStalledDeliveries().execute()).requeuedPending, 1)
    const [{ total }] = await db.from('queue_jobs').count('* as total')
    assert.equal(Number(total), 2)

    await processQueueUntil(async () => {
      const [{ left }] = await db
        .from('queue_jobs')
        .whereIn('status', ['pending', 'active', 'delayed'])
        .count('* as left')
      return Number(left) === 0 && (await statusOf(rowId)) === 'processed'
    })
    assert.equal(await effectsOf('late-job'), 1)
  })

  test('a delivery whose worker died mid-handler is handled again, after a long silence only', async ({
    assert,
  }) => {
    const rowId = await storeDelivery('dead-worker')
    await loseQueuedJobs()
    await age(rowId, PROCESSING_STALL_MINUTES - 1, 'processing')
    assert.equal((await new RequeueStalledDeliveries().execute()).requeuedAbandoned, 0)

    await age(rowId, PROCESSING_STALL_MINUTES + 1, 'processing')
    assert.equal((await new RequeueStalledDeliveries().execute()).requeuedAbandoned, 1)
    const row = await db.from('webhook_deliveries').where('id', rowId).firstOrFail()
    assert.include(row.last_error, 'worker stopped')

    await processQueueUntil(async () => (await statusOf(rowId)) === 'processed')
    assert.equal(await effectsOf('dead-worker'), 1)
  })
})

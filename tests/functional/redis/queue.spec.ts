import { test } from '@japa/runner'
import { createHmac } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { createConnection } from '#tests/helpers/connections'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import {
  startAce,
  startServer,
  stopServer,
  waitForOk,
  type ServerProcess,
} from '#tests/helpers/processes'
import { claimRedisDatabase, type RedisTestDatabase } from '#tests/helpers/redis'
import { waitFor } from '#tests/helpers/wait'

/** a delivery signed for the fixture plugin (see tests/functional/webhooks.spec.ts) */
function deliver(server: ServerProcess, id: string) {
  const body = JSON.stringify({ action: 'updated', account: 'acme', item: { id: `item-${id}` } })
  const signature = createHmac('sha256', process.env.FIXTURE_WEBHOOK_SECRET!)
    .update(body)
    .digest('hex')
  return fetch(`http://127.0.0.1:${server.port}/api/webhooks/fixture`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-fixture-signature': `sha256=${signature}`,
      'x-fixture-delivery': id,
      'x-fixture-event': 'item',
    },
    body,
  })
}

async function deliveryStatus(id: string) {
  const row = await db.from('webhook_deliveries').where('delivery_id', id).first()
  return row?.status as string | undefined
}

test.group('Redis | queue (QUEUE_DRIVER=redis)', (group) => {
  let redis: RedisTestDatabase
  let server: ServerProcess
  let env: Record<string, string>

  group.setup(async () => {
    redis = await claimRedisDatabase()
    env = { REDIS_URL: redis.url, QUEUE_DRIVER: 'redis' }
    server = await startServer(env)
    await waitForOk(`http://127.0.0.1:${server.port}/health`)
    return async () => {
      await stopServer(server)
      await redis.release()
    }
  })
  group.each.setup(resetDatabase)

  test('a webhook accepted by the server is queued in Redis and processed by queue:work', async ({
    assert,
  }) => {
    const connection = await createConnection(await createOrganization())

    const response = await deliver(server, 'redis-1')
    assert.equal(response.status, 202, server.output())
    assert.equal(await deliveryStatus('redis-1'), 'pending')
    const queued = await redis.appKeys('jobs::default::*')
    assert.isNotEmpty(queued, 'the job waits in Redis')

    const worker = startAce(['queue:work'], env)
    try {
      await waitFor(async () => (await deliveryStatus('redis-1')) === 'processed', {
        timeoutMs: 45_000,
        intervalMs: 100,
        what: 'queue:work to process the delivery',
      })
    } finally {
      await worker.stop()
    }

    const effects = await db
      .from('fixture_webhook_effects')
      .select('delivery_id', 'connection_public_id')
    assert.deepEqual(effects, [
      { delivery_id: 'redis-1', connection_public_id: connection.publicId },
    ])
    assert.isEmpty(await redis.appKeys('jobs::default::pending'), 'nothing left to process')
  }).timeout(60_000)
})

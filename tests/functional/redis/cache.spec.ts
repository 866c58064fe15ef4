import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { createAccount } from '#tests/helpers/accounts'
import { resetDatabase } from '#tests/helpers/database'
import { insertProduct } from '#tests/helpers/insights'
import {
  runAce,
  startServer,
  stopServer,
  waitForOk,
  type ServerProcess,
} from '#tests/helpers/processes'
import { claimRedisDatabase, type RedisTestDatabase } from '#tests/helpers/redis'
import { WebClient } from '#tests/helpers/web_client'

const PRODUCTS = '/insights/products?range=custom&from=2026-03-02&to=2026-03-08'

/**
 * CACHE_STORE=redis: a memory layer in each process in front of Redis,
 * and a Redis bus telling every process to drop what its memory holds.
 * The server caches the product list; "node ace insights:roll-up", in
 * another process, invalidates the organisation's fragments.
 */
test.group('Redis | cache (CACHE_STORE=redis)', (group) => {
  let redis: RedisTestDatabase
  let server: ServerProcess
  let env: Record<string, string>

  group.setup(async () => {
    redis = await claimRedisDatabase()
    env = { REDIS_URL: redis.url, CACHE_STORE: 'redis' }
    server = await startServer(env)
    await waitForOk(`http://127.0.0.1:${server.port}/health`)
    return async () => {
      await stopServer(server)
      await redis.release()
    }
  })
  group.each.setup(resetDatabase)

  test("another process's invalidation reaches the server's memory layer through the bus", async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'viewer' })
    const productId = await insertProduct(account.organization.id, 'Orion', [])
    const web = new WebClient(`http://127.0.0.1:${server.port}`)
    await web.signIn(account.email, account.password, account.totpSecret!)

    const first = await web.get(PRODUCTS)
    assert.equal(first.status, 200, server.output())
    assert.include(first.text, '>Orion</a>')
    assert.isNotEmpty(await redis.appKeys('*products*'), 'the fragment is stored in Redis')

    await db.from('products').where('id', productId).update({ name: 'Vega' })
    const cached = await web.get(PRODUCTS)
    assert.include(cached.text, '>Orion</a>', 'served from the cache')

    const rollUp = await runAce(['insights:roll-up'], env)
    assert.equal(rollUp.code, 0, rollUp.stdout + rollUp.stderr)

    const fresh = await web.get(PRODUCTS)
    assert.include(fresh.text, '>Vega</a>', server.output())
    assert.notInclude(fresh.text, '>Orion</a>')
  }).timeout(60_000)
})

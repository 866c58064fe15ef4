import { test } from '@japa/runner'
import {
  freePort,
  startServer,
  stopServer,
  waitForOk,
  type ServerProcess,
} from '#tests/helpers/processes'
import { claimRedisDatabase, type RedisTestDatabase } from '#tests/helpers/redis'

type Check = { name: string; status: string; message: string }

/**
 * GET /health/ready of a server, with its Redis check picked out. The
 * server is fresh: nothing has used its Redis connection before.
 */
async function readiness(server: ServerProcess) {
  await waitForOk(`http://127.0.0.1:${server.port}/health`)
  const response = await fetch(`http://127.0.0.1:${server.port}/health/ready`)
  const body = (await response.json()) as { isHealthy: boolean; checks: Check[] }
  const redisCheck = body.checks.find((check) => check.name.startsWith('Redis health check'))
  return { status: response.status, body, redisCheck }
}

test.group('Redis | readiness', (group) => {
  let redis: RedisTestDatabase
  const servers: ServerProcess[] = []

  group.setup(async () => {
    redis = await claimRedisDatabase()
    return async () => {
      await Promise.all(servers.map((server) => stopServer(server)))
      await redis.release()
    }
  })

  test('reports Redis up when it is configured and reachable', async ({ assert }) => {
    const server = await startServer({ REDIS_URL: redis.url })
    servers.push(server)
    const { status, body, redisCheck } = await readiness(server)
    assert.equal(status, 200, JSON.stringify(body))
    assert.isTrue(body.isHealthy)
    assert.equal(redisCheck?.status, 'ok', JSON.stringify(body))
  }).timeout(60_000)

  test('answers 503 when the configured Redis does not answer', async ({ assert }) => {
    const closedPort = await freePort()
    const server = await startServer({ REDIS_HOST: '127.0.0.1', REDIS_PORT: String(closedPort) })
    servers.push(server)
    const { status, body, redisCheck } = await readiness(server)
    assert.equal(status, 503, JSON.stringify(body))
    assert.isFalse(body.isHealthy)
    assert.equal(redisCheck?.status, 'error', JSON.stringify(body))
    const database = body.checks.find((check) => check.name.startsWith('Database health check'))
    assert.equal(database?.status, 'ok', 'the database is still reported healthy')
  }).timeout(60_000)
})

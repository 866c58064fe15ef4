import { RedisConnection } from '@adonisjs/redis'

/**
 * The Redis the Redis tests run against (127.0.0.1:6379 on developer
 * machines and CI, no password); REDIS_TEST_HOST / REDIS_TEST_PORT
 * override it.
 */
const host = process.env.REDIS_TEST_HOST ?? '127.0.0.1'
const port = Number(process.env.REDIS_TEST_PORT ?? 6379)

/** the key every app key starts with (keyPrefix of config/redis.ts) */
export const APP_KEY_PREFIX = 'sextant:'

const CLAIM_KEY = 'sextant-tests:claimed-by'

export type RedisTestDatabase = {
  /** REDIS_URL for the processes a test spawns */
  url: string
  database: number
  /** a client on that database, without the app's key prefix */
  client: RedisConnection['ioConnection']
  /** the app's keys (prefix removed) matching a pattern, sorted */
  appKeys: (pattern?: string) => Promise<string[]>
  /** deletes everything the test wrote and gives the database back */
  release: () => Promise<void>
}

/**
 * Claims an empty Redis database (15 down to 1; 0 is left to whatever
 * else uses this Redis) for one test group, so concurrent runs and other
 * users of the server never see each other's keys. The claim is a key
 * set with NX and an expiry, so a crashed run frees its database.
 */
export async function claimRedisDatabase(): Promise<RedisTestDatabase> {
  for (let database = 15; database >= 1; database--) {
    const connection = new RedisConnection('tests', { host, port, db: database })
    const client = connection.ioConnection
    const claimed = await client.set(CLAIM_KEY, String(process.pid), 'EX', 600, 'NX')
    if (claimed === 'OK' && (await client.dbsize()) === 1) {
      return {
        url: `redis://${host}:${port}/${database}`,
        database,
        client,
        async appKeys(pattern = '*') {
          const keys = await client.keys(`${APP_KEY_PREFIX}${pattern}`)
          return keys.map((key) => key.slice(APP_KEY_PREFIX.length)).sort()
        },
        async release() {
          await client.flushdb()
          await connection.quit()
        },
      }
    }
    if (claimed === 'OK') await client.del(CLAIM_KEY)
    await connection.quit()
  }
  throw new Error(`no empty Redis database left on ${host}:${port} for the tests`)
}

/**
 * The environment of a spawned process that keeps everything it can in
 * that Redis database.
 */
export function redisEnv(redis: RedisTestDatabase, extra: Record<string, string> = {}) {
  return {
    REDIS_URL: redis.url,
    SESSION_DRIVER: 'redis',
    CACHE_STORE: 'redis',
    LOCK_STORE: 'redis',
    QUEUE_DRIVER: 'redis',
    LIMITER_STORE: 'redis',
    ...extra,
  }
}

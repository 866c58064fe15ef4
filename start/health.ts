import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import { DbCheck } from '@adonisjs/lucid/database'
import { RedisCheck } from '@adonisjs/redis'
import { HealthChecks } from '@adonisjs/core/health'
import { redisConfigured } from '#config/redis'

/**
 * The Redis connection is lazy (config/redis.ts: ace commands that never
 * touch Redis never connect), so a web process whose sessions, cache and
 * queue live elsewhere has not connected yet when the probe comes; the
 * stock check reports such a connection as down. Connect it first.
 */
class LazyRedisCheck extends RedisCheck {
  async run() {
    const connection = redis.connection()
    if (connection.status === 'wait') {
      // A refused connection is what the check below reports.
      await connection.ioConnection.connect().catch(() => {})
    }
    return super.run()
  }
}

/**
 * Readiness: can this instance serve traffic? The database always, and
 * Redis when the deployment uses it.
 */
export const readinessChecks = new HealthChecks().register([
  new DbCheck(db.connection()),
  ...(redisConfigured ? [new LazyRedisCheck(redis.connection())] : []),
])

import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import { DbCheck } from '@adonisjs/lucid/database'
import { RedisCheck } from '@adonisjs/redis'
import { HealthChecks } from '@adonisjs/core/health'
import { redisConfigured } from '#config/redis'

/**
 * Readiness: can this instance serve traffic? The database always, and
 * Redis when the deployment uses it.
 */
export const readinessChecks = new HealthChecks().register([
  new DbCheck(db.connection()),
  ...(redisConfigured ? [new RedisCheck(redis.connection())] : []),
])

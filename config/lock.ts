import env from '#start/env'
import { defineConfig, stores } from '@adonisjs/lock'

/**
 * Locks keep scheduled jobs from overlapping themselves and keep two
 * workers from spending the same rotating OAuth refresh token. The
 * database store works with one or many instances on a shared database;
 * Redis when the instances share a Redis.
 */
const lockConfig = defineConfig({
  default: env.get('LOCK_STORE', 'database'),
  stores: {
    database: stores.database({ tableName: 'locks' }),
    redis: stores.redis({}),
    memory: stores.memory(),
  },
})

export default lockConfig

declare module '@adonisjs/lock/types' {
  export interface LockStoresList extends InferLockStores<typeof lockConfig> {}
}

import env from '#start/env'
import { defineConfig, store, drivers } from '@adonisjs/cache'

/**
 * Dashboard fragments and assistant answers. The default store keeps
 * entries in the database, so an ace command (calculate:scores, fetch:data)
 * that invalidates a fragment is seen at once by every web process; with
 * CACHE_STORE=redis a memory layer sits in front of Redis and a Redis bus
 * tells every instance to drop what it holds. "memory" suits one process.
 */
const cacheConfig = defineConfig({
  default: env.get('CACHE_STORE', 'database'),
  stores: {
    database: store().useL2Layer(
      drivers.database({
        connectionName: env.get('DB_CONNECTION', 'sqlite'),
        autoCreateTable: false,
        tableName: 'cache',
      })
    ),
    redis: store()
      .useL1Layer(drivers.memory({ maxSize: '64mb' }))
      .useL2Layer(drivers.redis({ connectionName: 'main' }))
      .useBus(drivers.redisBus({ connectionName: 'main' })),
    memory: store().useL1Layer(drivers.memory({ maxSize: '64mb' })),
    /**
     * This process's view models of dashboard pages, kept as objects (no
     * serialisation: reading one costs nothing) under the organisation's
     * insights generation (`pageViewModel` in app/services/insights/cache.ts).
     * Not a default: nothing else belongs here.
     */
    pages: store().useL1Layer(drivers.memory({ maxItems: 500, serialize: false })),
  },
})

export default cacheConfig

declare module '@adonisjs/cache/types' {
  interface CacheStores extends InferStores<typeof cacheConfig> {}
}

import env from '#start/env'
import { defineConfig, stores } from '@adonisjs/limiter'

/**
 * Counters of the sign-in and MFA throttles. The database store is shared
 * by every instance; Redis when the deployment uses it.
 */
const limiterConfig = defineConfig({
  default: env.get('LIMITER_STORE', 'database'),
  stores: {
    database: stores.database({ tableName: 'rate_limits' }),
    redis: stores.redis({ connectionName: 'main' }),
    memory: stores.memory({}),
  },
})

export default limiterConfig

declare module '@adonisjs/limiter/types' {
  export interface LimitersList extends InferLimiters<typeof limiterConfig> {}
}

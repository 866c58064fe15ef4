import env from '#start/env'
import { defineConfig } from '@adonisjs/redis'

/**
 * Redis is optional. It is "configured" when REDIS_URL or REDIS_HOST is
 * set; only then does readiness check it and can sessions, cache, locks
 * and the queue use it.
 */
export const redisConfigured = Boolean(env.get('REDIS_URL') || env.get('REDIS_HOST'))

function connection() {
  const url = env.get('REDIS_URL')
  if (url) {
    const parsed = new URL(url)
    return {
      host: parsed.hostname,
      port: Number(parsed.port || 6379),
      password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
      db: Number(parsed.pathname.replace(/^\//, '') || 0),
    }
  }
  return {
    host: env.get('REDIS_HOST', '127.0.0.1'),
    port: env.get('REDIS_PORT', 6379),
    password: env.get('REDIS_PASSWORD')?.release(),
    db: 0,
  }
}

const redisConfig = defineConfig({
  connection: 'main',
  connections: {
    main: {
      ...connection(),
      keyPrefix: 'sextant:',
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      retryStrategy(times) {
        return times > 10 ? null : times * 50
      },
    },
  },
})

export default redisConfig

declare module '@adonisjs/redis/types' {
  export interface RedisConnections extends InferConnections<typeof redisConfig> {}
}

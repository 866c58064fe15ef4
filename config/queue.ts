import env from '#start/env'
import { defineConfig, drivers } from '@adonisjs/queue'

/**
 * Background jobs (webhook processing, sync runs, scheduled work). The
 * database adapter needs nothing beyond the app's own database; Redis is
 * for scale-out (QUEUE_DRIVER=redis). "sync" runs a job inline when it is
 * dispatched, which is only meant for debugging.
 */
export default defineConfig({
  default: env.get('QUEUE_DRIVER', 'database'),

  adapters: {
    database: drivers.database({}),
    redis: drivers.redis({ connectionName: 'main' }),
    sync: drivers.sync(),
  },

  worker: {
    concurrency: 5,
    idleDelay: '500ms',
  },

  locations: ['./app/jobs/**/*.{ts,js}'],
})

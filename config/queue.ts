import app from '@adonisjs/core/services/app'
import env from '#start/env'
import { defineConfig, drivers } from '@adonisjs/queue'
import type { Job } from '@adonisjs/queue'
import { measureJob } from '#services/telemetry/metrics'

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
    // a job whose worker died (SIGKILL, OOM) is handed out again after this
    stalledThreshold: env.get('QUEUE_STALLED_THRESHOLD', '30s'),
    stalledInterval: env.get('QUEUE_STALLED_INTERVAL', '30s'),
  },

  /**
   * Jobs come from the container as usual; each run is timed for the
   * sextant.queue.job.duration metric (a no-op with telemetry off).
   */
  async jobFactory(JobClass) {
    const job = (await app.container.make(JobClass)) as Job
    const execute = job.execute.bind(job)
    job.execute = () => measureJob(JobClass.name, job.context.queue, execute)
    return job
  },

  locations: ['./app/jobs/**/*.{ts,js}'],
})

import app from '@adonisjs/core/services/app'
import type { AdapterFactory, QueueConfig } from '@adonisjs/queue/types'

/**
 * A queue worker built the way "node ace queue:work" builds one (see
 * @adonisjs/queue's commands/queue_work.js), through public exports only:
 * its two helpers are not exported, so their few lines are repeated here.
 * Used by the web process on one-machine installs and by the tests.
 */
export async function createQueueWorker(options: { concurrency?: number } = {}) {
  const { Worker } = await import('@adonisjs/queue')
  const logger = await app.container.make('logger')
  const config = app.config.get<QueueConfig>('queue')
  const adapters: Record<string, AdapterFactory> = {}
  for (const [name, adapter] of Object.entries(config.adapters)) {
    adapters[name] = typeof adapter === 'function' ? adapter : await adapter.resolver(app)
  }
  return new Worker({
    ...config,
    autoLoadJobs: false,
    adapters,
    jobFactory: config.jobFactory ?? ((jobClass) => app.container.make(jobClass)),
    logger: config.logger ?? logger,
    worker: {
      ...config.worker,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      gracefulShutdown: false,
    },
  })
}

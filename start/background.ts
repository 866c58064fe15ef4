/*
|--------------------------------------------------------------------------
| Background work inside the web process
|--------------------------------------------------------------------------
|
| For one-machine installs ("npm start" turns both on): with
| RUN_WORKER_IN_PROCESS=true the HTTP server also processes queued jobs,
| and with RUN_SCHEDULER_IN_PROCESS=true it also fires the schedules.
| Larger installs leave both off and run "node ace queue:work" and
| "node ace scheduler:run" as their own processes. Both stop when the app
| terminates, after the HTTP server closed, letting running jobs finish.
|
*/
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import env from '#start/env'
import { createQueueWorker } from '#services/queue_worker'
import { metricsEnabled } from '#services/telemetry/settings'
import { observeJobQueues } from '#services/telemetry/metrics'

if (env.get('RUN_WORKER_IN_PROCESS', false)) {
  app.ready(async () => {
    const worker = await createQueueWorker()
    if (metricsEnabled(process.env)) await observeJobQueues(['default'])
    const processing = worker.start(['default']).catch((error) => {
      logger.error({ err: error }, 'queue worker: stopped on an error')
    })
    logger.info('queue worker: processing the "default" queue in the web process')
    app.terminating(async () => {
      await worker.stop()
      await processing
    })
  })
}

if (env.get('RUN_SCHEDULER_IN_PROCESS', false)) {
  const { Scheduler } = await import('#services/scheduler/scheduler')
  const { default: RunSchedule } = await import('#actions/schedules/run_schedule')
  const scheduler = new Scheduler((request) => new RunSchedule().execute(request))
  app.ready(() => scheduler.start())
  app.terminating(() => scheduler.stop())
}

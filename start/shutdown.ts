/*
|--------------------------------------------------------------------------
| Shutdown
|--------------------------------------------------------------------------
|
| SIGTERM aborts the process-wide shutdown signal (app/services/shutdown.ts)
| at once, so a sync in a worker stops at its next page instead of holding
| the process until it is killed. The app's terminating hook then waits for
| the jobs still running (their last writes, a sync going back to the queue)
| before the framework closes the database.
|
| A queue worker ends its polling loop at SIGTERM without waiting for the
| jobs it is running, and `queue:work` then destroys the queue manager: a
| sync stopping at its next page would find no queue to go back to. So
| destroying the queue waits for this process's running jobs first.
|
*/
import app from '@adonisjs/core/services/app'
import { beginShutdown, jobsSettled } from '#services/shutdown'

process.once('SIGTERM', () => beginShutdown('SIGTERM'))

const shutdownTimeoutMs = () => Number(process.env.SHUTDOWN_TIMEOUT_MS) || 30_000

const queueManager = await app.container.make('queue.manager')
const destroyQueue = queueManager.destroy.bind(queueManager)
queueManager.destroy = async () => {
  await jobsSettled(shutdownTimeoutMs())
  return destroyQueue()
}

app.terminating(async () => {
  beginShutdown('terminating')
  await jobsSettled(shutdownTimeoutMs())
})

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
*/
import app from '@adonisjs/core/services/app'
import { beginShutdown, jobsSettled } from '#services/shutdown'

process.once('SIGTERM', () => beginShutdown('SIGTERM'))

app.terminating(async () => {
  beginShutdown('terminating')
  await jobsSettled(Number(process.env.SHUTDOWN_TIMEOUT_MS) || 30_000)
})

/*
|--------------------------------------------------------------------------
| Sync queue
|--------------------------------------------------------------------------
|
| A connection handle queues syncs (connection.queueSync) but lives in
| app/services, which never imports jobs: this hands it RunSyncJob's
| dispatch. The job is imported when the first sync is queued, so booting
| loads no sync code.
|
*/
import { registerSyncEnqueuer } from '#services/plugins/sync_queue'

registerSyncEnqueuer(async (request) => {
  const { default: RunSyncJob } = await import('#jobs/run_sync_job')
  await RunSyncJob.dispatch(request)
})

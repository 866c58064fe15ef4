import type { SyncTrigger } from '#services/sync/sync_run_recorder'

/** a sync a connection asks for ("Sync now", a webhook that names new data) */
export type SyncRequest = {
  connectionId: number
  trigger: SyncTrigger
  tasks?: string[]
  includeSnapshots?: boolean
}

export type SyncEnqueuer = (request: SyncRequest) => Promise<void>

let enqueuer: SyncEnqueuer | null = null

/**
 * Syncs run in a queue job (RunSyncJob), which services must not import:
 * start/sync_queue.ts registers the job's dispatch here at boot.
 */
export function registerSyncEnqueuer(next: SyncEnqueuer) {
  enqueuer = next
}

/**
 * Queues a sync through the registered enqueuer. Without one, queueing
 * would silently do nothing, so it throws instead.
 */
export async function enqueueSync(request: SyncRequest) {
  if (!enqueuer) {
    throw new Error('No sync enqueuer is registered: start/sync_queue.ts registers it at boot')
  }
  await enqueuer(request)
}

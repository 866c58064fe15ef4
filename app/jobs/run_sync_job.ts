import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import Connection from '#models/connection'
import RunSync, { SyncAlreadyRunningError } from '#actions/sync/run_sync'
import type { SyncTrigger } from '#services/sync/sync_run_recorder'

type RunSyncPayload = {
  connectionId: number
  trigger: SyncTrigger
  full?: boolean
  tasks?: string[]
  includeSnapshots?: boolean
}

/**
 * A sync started from a page ("Sync now", right after connecting) runs
 * in a worker, so the request answers at once and the page polls the
 * run's progress.
 */
export default class RunSyncJob extends Job<RunSyncPayload> {
  static options: JobOptions = { queue: 'default', maxRetries: 0 }

  async execute() {
    const connection = await Connection.find(this.payload.connectionId)
    // Disconnected since it was queued, or switched off: nothing to do.
    if (!connection || connection.status !== 'active') return
    try {
      await new RunSync().execute({
        connection,
        trigger: this.payload.trigger,
        full: this.payload.full,
        tasks: this.payload.tasks,
        includeSnapshots: this.payload.includeSnapshots,
      })
    } catch (error) {
      if (!(error instanceof SyncAlreadyRunningError)) throw error
    }
  }
}

import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import Connection from '#models/connection'
import RunSync, { SyncAlreadyRunningError } from '#actions/sync/run_sync'
import type { SyncTrigger } from '#services/sync/sync_run_recorder'
import { asShutdownAware, shutdownSignal } from '#services/shutdown'

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
    return asShutdownAware(() => this.#run())
  }

  async #run() {
    // Taken by a worker that is already stopping (its poll can still pick
    // up the job a stopped sync has just put back): back to the queue at
    // once, so the job waits, pending, for the next worker.
    if (shutdownSignal.aborted) {
      await RunSyncJob.dispatch(this.payload)
      return
    }
    const connection = await Connection.find(this.payload.connectionId)
    // Disconnected since it was queued, or switched off: nothing to do.
    if (!connection || connection.status !== 'active') return
    try {
      const outcomes = await new RunSync().execute({
        connection,
        trigger: this.payload.trigger,
        full: this.payload.full,
        tasks: this.payload.tasks,
        includeSnapshots: this.payload.includeSnapshots,
      })
      // Stopped by a shutdown: back to the queue, to resume from its cursors
      // in whichever worker takes it next.
      if (shutdownSignal.aborted && outcomes.some((o) => o.status === 'interrupted')) {
        await RunSyncJob.dispatch(this.payload)
      }
    } catch (error) {
      if (!(error instanceof SyncAlreadyRunningError)) throw error
    }
  }
}

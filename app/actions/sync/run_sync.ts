import { DateTime } from 'luxon'
import { acquireKeptAlive } from '#services/kept_alive_lock'
import logger from '@adonisjs/core/services/logger'
import env from '#start/env'
import { isShutdown, shutdownSignal } from '#services/shutdown'
import Connection from '#models/connection'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import ApplyAiFactChanges from '#actions/ai_code/apply_ai_fact_changes'
import { DatabaseSyncCursors } from '#services/sync/cursors'
import { connectionWebhookUrls } from '#services/webhooks/connection_tokens'
import {
  SyncRunRecorder,
  closeAbandonedRuns,
  type SyncTrigger,
} from '#services/sync/sync_run_recorder'
import type { HttpStats } from '#services/http/client'
import type { DomainStore } from '#plugin-sdk/domain'
import type { InsightRowsListener } from '#services/domain/domain_store'
import type { SyncContext } from '#plugin-sdk/types'
import RefreshInsightsAfterSync from '#actions/insights/refresh_insights_after_sync'
import { inSpan, spanEvent } from '#services/telemetry/tracing'

export type SyncTaskOutcome = {
  task: string
  status: 'succeeded' | 'failed' | 'interrupted'
  itemsWritten: number
  requests: number
  notModified: number
  durationMs: number
  error: string | null
}

export type SyncProgress = { task: string; done: number; total: number | null; label: string }

export class SyncAlreadyRunningError extends Error {
  constructor(readonly connectionPublicId: string) {
    super(`A sync of connection ${connectionPublicId} is already running`)
    this.name = 'SyncAlreadyRunningError'
  }
}

export class ConnectionNotSyncableError extends Error {}

/**
 * Counts what a task writes through the store, for the run's record.
 */
function countingStore(store: DomainStore, recorder: SyncRunRecorder): DomainStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      if (typeof property === 'string' && property.startsWith('upsert')) {
        return async (...input: unknown[]) => {
          const written = await value.apply(target, input)
          recorder.itemsWritten += written
          return written
        }
      }
      if (property === 'replaceRepositorySnapshot') {
        return async (...input: unknown[]) => {
          const report = await value.apply(target, input)
          recorder.itemsWritten += 1
          return report
        }
      }
      return value.bind(target)
    },
  })
}

/**
 * Runs a connection's sync tasks (all, or the ones named), one after the
 * other, each recorded in sync_runs. A lock per connection keeps a
 * scheduled run, a "Sync now" and an ace command from overlapping. A task
 * that fails is recorded and the next task still runs.
 */
export default class RunSync {
  async execute(input: {
    connection: Connection
    tasks?: string[]
    /** with no tasks named: also run the snapshot tasks (downloads), as after connecting */
    includeSnapshots?: boolean
    full?: boolean
    trigger: SyncTrigger
    onProgress?: (progress: SyncProgress) => void
    signal?: AbortSignal
  }): Promise<SyncTaskOutcome[]> {
    // one trace per run: a span per task, the provider requests (pages) inside
    return inSpan(
      'sync.run',
      {
        'sextant.connection': input.connection.publicId,
        'sextant.plugin': input.connection.pluginId,
        'sextant.sync.trigger': input.trigger,
        'sextant.sync.full': input.full ?? false,
      },
      () => this.#execute(input)
    )
  }

  async #execute(input: Parameters<RunSync['execute']>[0]): Promise<SyncTaskOutcome[]> {
    const { connection } = input
    const plugin = pluginRegistry.require(connection.pluginId)
    const tasks = (plugin.definition.sync ?? []).filter((task) =>
      input.tasks?.length
        ? input.tasks.includes(task.name)
        : task.kind !== 'snapshot' || input.includeSnapshots
    )
    if (connection.status !== 'active') {
      throw new ConnectionNotSyncableError(
        `Connection ${connection.publicId} is ${connection.status}; only active connections sync`
      )
    }
    const unknown = (input.tasks ?? []).filter(
      (name) => !plugin.definition.sync?.some((task) => task.name === name)
    )
    if (unknown.length > 0) {
      throw new ConnectionNotSyncableError(
        `${plugin.id} has no sync task "${unknown.join('", "')}"`
      )
    }

    // Kept alive while the run is healthy; if the process dies, the next
    // run may start once the lock lapses.
    const connectionLock = await acquireKeptAlive(
      `sync:${connection.id}`,
      env.get('SYNC_LOCK_TTL_MS', 60_000)
    )
    if (!connectionLock) throw new SyncAlreadyRunningError(connection.publicId)
    try {
      // Holding the lock means no other run of this connection is alive.
      await closeAbandonedRuns(connection.id, { all: true })
      const outcomes: SyncTaskOutcome[] = []
      // The earliest day the run wrote rows on, for one insights refresh
      // at the end rather than a dirty mark per page (the schedule would
      // otherwise refresh the organisation while a long sync runs).
      let writtenFrom: string | null = null
      const onInsightRows = (_organizationId: number, day: string) => {
        if (writtenFrom === null || day < writtenFrom) writtenFrom = day
      }
      for (const task of tasks) {
        // a shutdown stops the run between tasks too; the job is queued again
        if (shutdownSignal.aborted) break
        outcomes.push(
          await inSpan(`sync.task ${task.name}`, { 'sextant.sync.task': task.name }, () =>
            this.#runTask(connection, task, input, onInsightRows)
          )
        )
      }
      // an interrupted run is not a result: the resumed run records one
      if (!outcomes.some((outcome) => outcome.status === 'interrupted')) {
        await this.#recordOnConnection(connection, outcomes)
      }
      // Incremental: the recent window and whatever the run wrote before
      // it; a full run rebuilds the organisation's whole history.
      // (an installation-scoped connection has no organisation's insights)
      if (
        connection.organizationId !== null &&
        outcomes.some((outcome) => outcome.itemsWritten > 0)
      ) {
        await new RefreshInsightsAfterSync().execute({
          organizationId: connection.organizationId,
          full: input.full,
          writtenFrom,
        })
      }
      return outcomes
    } finally {
      await connectionLock.release()
    }
  }

  async #runTask(
    connection: Connection,
    task: NonNullable<ReturnType<typeof pluginRegistry.require>['definition']['sync']>[number],
    input: Parameters<RunSync['execute']>[0],
    onInsightRows: InsightRowsListener
  ): Promise<SyncTaskOutcome> {
    const plugin = pluginRegistry.require(connection.pluginId)
    const full = input.full ?? false
    const recorder = await SyncRunRecorder.start({
      organizationId: connection.organizationId,
      connectionId: connection.id,
      pluginId: plugin.id,
      task: task.name,
      trigger: input.trigger,
      full,
    })
    const handle = connectionHandle(connection, plugin, {
      onInsightRows,
      // facts a page changed: its GBOMs and pull requests follow at once
      onAiFacts: async (organizationId, changes) => {
        await new ApplyAiFactChanges().execute({ organizationId, changes })
      },
    })
    const controller = new AbortController()
    for (const signal of [input.signal, shutdownSignal]) {
      signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true })
    }
    const http = await handle.client({
      signal: controller.signal,
      // A full run re-reads everything: no conditional requests, but the
      // answers are cached so the next incremental run gets its 304s.
      revalidate: !full,
    })
    const taskLogger = logger.child({
      plugin: plugin.id,
      task: task.name,
      connection: connection.publicId,
    })
    const context: SyncContext = {
      connection: handle,
      http,
      store: countingStore(handle.store, recorder),
      cursors: new DatabaseSyncCursors(connection.id, task.name, full),
      webhooks: connectionWebhookUrls(connection, plugin.definition),
      full,
      logger: taskLogger,
      signal: controller.signal,
      progress: async (done, total, label) => {
        input.onProgress?.({ task: task.name, done, total: total ?? null, label: label ?? '' })
        spanEvent('sync.progress', { done, total: total ?? -1, requests: http.stats.requests })
        await recorder.progress(http.stats, done, total, label)
      },
    }

    try {
      await task.run(context)
      await recorder.finish(http.stats, 'succeeded')
      return this.#outcome(task.name, 'succeeded', recorder, http.stats, null)
    } catch (error) {
      if (isShutdown(controller.signal)) {
        // The page in flight was abandoned unwritten; the cursor of the
        // pages before it is saved, so the next run resumes from there.
        const message = 'Stopped by a shutdown between two pages; the next run resumes from here'
        taskLogger.info(`Sync task ${plugin.id}/${task.name}: ${message}`)
        await recorder.finish(http.stats, 'interrupted', message)
        return this.#outcome(task.name, 'interrupted', recorder, http.stats, message)
      }
      const message = error instanceof Error ? error.message : String(error)
      taskLogger.warn({ err: error }, `Sync task ${plugin.id}/${task.name} failed: ${message}`)
      await recorder.finish(http.stats, 'failed', message)
      return this.#outcome(task.name, 'failed', recorder, http.stats, message)
    }
  }

  #outcome(
    task: string,
    status: 'succeeded' | 'failed' | 'interrupted',
    recorder: SyncRunRecorder,
    stats: HttpStats,
    error: string | null
  ): SyncTaskOutcome {
    return {
      task,
      status,
      itemsWritten: recorder.itemsWritten,
      requests: stats.requests,
      notModified: stats.notModified,
      durationMs: Date.now() - recorder.startedAt,
      error,
    }
  }

  async #recordOnConnection(connection: Connection, outcomes: SyncTaskOutcome[]) {
    const failed = outcomes.find((outcome) => outcome.status === 'failed')
    const fresh = await Connection.findOrFail(connection.id)
    fresh.merge({
      lastSyncAt: DateTime.now(),
      lastSyncStatus: failed ? 'failed' : 'succeeded',
      lastError: failed ? `${failed.task}: ${failed.error}` : fresh.lastError,
    })
    if (failed) fresh.lastErrorAt = DateTime.now()
    await fresh.save()
  }
}

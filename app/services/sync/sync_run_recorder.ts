import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { insertedId, sqlTime } from '#services/sql'
import type { HttpStats } from '#services/http/client'

export type SyncTrigger = 'cli' | 'schedule' | 'button' | 'webhook' | 'connect'

/**
 * One row of sync_runs per task run: what the run did (items written,
 * requests, 304s, rate-limit headroom) and how far it has got, updated
 * as it goes so sync:status and the Connections page can show progress.
 */
export class SyncRunRecorder {
  #lastFlush = 0
  itemsWritten = 0

  private constructor(
    readonly id: number,
    readonly startedAt: number
  ) {}

  static async start(input: {
    /** null for an installation-scoped connection */
    organizationId: number | null
    connectionId: number
    pluginId: string
    task: string
    trigger: SyncTrigger
    full: boolean
  }) {
    const now = sqlTime()
    const rows = await db
      .table('sync_runs')
      .insert({
        organization_id: input.organizationId,
        connection_id: input.connectionId,
        plugin_id: input.pluginId,
        task: input.task,
        trigger: input.trigger,
        full: input.full,
        status: 'running',
        started_at: now,
        heartbeat_at: now,
      })
      .returning('id')
    return new SyncRunRecorder(insertedId(rows)!, Date.now())
  }

  /** progress is written at most once a second; the final state always */
  async progress(stats: HttpStats, done: number, total?: number | null, label?: string) {
    if (Date.now() - this.#lastFlush < 1000) return
    this.#lastFlush = Date.now()
    await this.#update({
      ...this.#statsColumns(stats),
      progress_done: done,
      progress_total: total ?? null,
      progress_label: label?.slice(0, 255) ?? null,
      heartbeat_at: sqlTime(),
    })
  }

  async finish(stats: HttpStats, status: 'succeeded' | 'failed' | 'interrupted', error?: string) {
    await this.#update({
      ...this.#statsColumns(stats),
      status,
      error: error ?? null,
      finished_at: sqlTime(),
      heartbeat_at: sqlTime(),
      duration_ms: Date.now() - this.startedAt,
    })
  }

  #statsColumns(stats: HttpStats) {
    return {
      items_written: this.itemsWritten,
      requests_made: stats.requests,
      not_modified: stats.notModified,
      retries: stats.retries,
      rate_limit_remaining: stats.rateLimit.remaining,
      rate_limit_limit: stats.rateLimit.limit,
      rate_limit_reset_at: stats.rateLimit.resetAt
        ? sqlTime(DateTime.fromJSDate(stats.rateLimit.resetAt))
        : null,
    }
  }

  async #update(values: Record<string, unknown>) {
    await db.from('sync_runs').where('id', this.id).update(values)
  }
}

/**
 * A run whose process died (killed, crashed) stays "running" with an old
 * heartbeat; it is closed as abandoned so it neither blocks nor confuses.
 */
export async function closeAbandonedRuns(connectionId?: number, options: { all?: boolean } = {}) {
  const query = db.from('sync_runs').where('status', 'running')
  if (!options.all) query.where('heartbeat_at', '<', sqlTime(DateTime.now().minus({ minutes: 5 })))
  if (connectionId) query.where('connection_id', connectionId)
  await query.update({
    status: 'abandoned',
    error: 'The process running this sync stopped before it finished',
    finished_at: sqlTime(),
  })
}

import db from '@adonisjs/lucid/services/db'
import { closeAbandonedRuns } from '#services/sync/sync_run_recorder'
import { publicIds } from '#services/public_id'

export type ScopeFreshness = { task: string; scope: string; cursor: string; updatedAt: string }

export type ConnectionSyncStatus = {
  connection: string
  plugin: string
  account: string
  organization: string
  status: string
  lastSyncAt: string | null
  running: {
    task: string
    done: number
    total: number | null
    label: string | null
    startedAt: string
  } | null
  lastRun: {
    task: string
    status: string
    itemsWritten: number
    requests: number
    notModified: number
    rateLimitRemaining: number | null
    rateLimitLimit: number | null
    finishedAt: string | null
    error: string | null
  } | null
  scopes: ScopeFreshness[]
}

/**
 * Per-connection freshness: the running sync and its progress, the last
 * finished run (requests spent, 304s, rate-limit headroom) and each
 * scope's cursor with when it last moved. Organisation-scoped when an
 * organisation is given (pages); global for the admin's ace command.
 */
export default class SyncStatus {
  async execute(input: { organizationId?: number; pluginId?: string } = {}) {
    await closeAbandonedRuns()
    const connections = db
      .from('connections')
      .join('organizations', 'organizations.id', 'connections.organization_id')
      .orderBy('connections.id')
      .select(
        'connections.id',
        'connections.plugin_id',
        'connections.account_key',
        'connections.display_name',
        'connections.status',
        'connections.last_sync_at',
        'organizations.name as organization_name'
      )
    if (input.organizationId) connections.where('connections.organization_id', input.organizationId)
    if (input.pluginId) connections.where('connections.plugin_id', input.pluginId)

    const codec = publicIds('connection')
    const statuses: ConnectionSyncStatus[] = []
    for (const row of await connections) {
      const running = await db
        .from('sync_runs')
        .where({ connection_id: row.id, status: 'running' })
        .orderBy('id', 'desc')
        .first()
      const last = await db
        .from('sync_runs')
        .where('connection_id', row.id)
        .whereNot('status', 'running')
        .orderBy('id', 'desc')
        .first()
      const scopes = await db
        .from('sync_cursors')
        .where('connection_id', row.id)
        .orderBy(['task', 'scope'])
        .select('task', 'scope', 'value', 'updated_at')
      statuses.push({
        connection: codec.encode(row.id),
        plugin: row.plugin_id,
        account: row.display_name ?? row.account_key,
        organization: row.organization_name,
        status: row.status,
        lastSyncAt: stringOrNull(row.last_sync_at),
        running: running
          ? {
              task: running.task,
              done: running.progress_done,
              total: running.progress_total,
              label: running.progress_label,
              startedAt: String(running.started_at),
            }
          : null,
        lastRun: last
          ? {
              task: last.task,
              status: last.status,
              itemsWritten: last.items_written,
              requests: last.requests_made,
              notModified: last.not_modified,
              rateLimitRemaining: last.rate_limit_remaining,
              rateLimitLimit: last.rate_limit_limit,
              finishedAt: stringOrNull(last.finished_at),
              error: last.error,
            }
          : null,
        scopes: scopes.map((scope) => ({
          task: scope.task,
          scope: scope.scope,
          cursor: scope.value,
          updatedAt: String(scope.updated_at),
        })),
      })
    }
    return statuses
  }
}

function stringOrNull(value: unknown) {
  if (value === null || value === undefined) return null
  return value instanceof Date ? value.toISOString() : String(value)
}

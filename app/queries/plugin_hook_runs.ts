import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'

export type LifecycleHookName = 'connected' | 'disconnecting'

export type HookRunSummary = {
  id: number
  hook: LifecycleHookName
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped'
  attempts: number
  lastError: string | null
  updatedAt: DateTime | null
}

export type ConnectionHooks = Record<LifecycleHookName, HookRunSummary | null>

const toDateTime = (value: unknown) =>
  value instanceof Date
    ? DateTime.fromJSDate(value)
    : typeof value === 'string'
      ? DateTime.fromSQL(value, { zone: 'utc' }).isValid
        ? DateTime.fromSQL(value, { zone: 'utc' })
        : DateTime.fromISO(value)
      : null

/**
 * The newest onConnected and onDisconnecting run of each connection, for
 * the Connections pages (a failing hook is shown with Retry).
 */
export async function latestHookRuns(connectionIds: number[]) {
  const latest = new Map<number, ConnectionHooks>()
  if (connectionIds.length === 0) return latest
  const rows = await db
    .from('plugin_hook_runs')
    .whereIn(
      'id',
      db
        .from('plugin_hook_runs')
        .max('id')
        .whereIn('connection_id', connectionIds)
        .whereIn('hook', ['connected', 'disconnecting'])
        .groupBy('connection_id', 'hook')
    )
  for (const row of rows) {
    const id = Number(row.connection_id)
    const hooks = latest.get(id) ?? { connected: null, disconnecting: null }
    hooks[row.hook as LifecycleHookName] = {
      id: Number(row.id),
      hook: row.hook,
      status: row.status,
      attempts: Number(row.attempts),
      lastError: row.last_error ?? null,
      updatedAt: toDateTime(row.updated_at),
    }
    latest.set(id, hooks)
  }
  return latest
}

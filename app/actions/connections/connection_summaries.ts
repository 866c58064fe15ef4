import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Connection from '#models/connection'
import { whereOwner, type ConnectionOwnerId } from '#services/plugins/installation_scope'
import type { ConnectionHooks } from '#queries/plugin_hook_runs'
import { baseUrlOf } from '#services/plugins/connection_handle'
import { oauthMissingSettings } from '#services/plugins/oauth2'
import { pluginMethods } from '#services/plugins/auth_methods'
import type { LoadedPlugin, RegisteredPlugin } from '#services/plugins/registry'
import type {
  ConnectionField,
  ConnectionStatus,
  PluginAuth,
  PluginCategory,
} from '#plugin-sdk/types'
import { configurationProblems } from '#services/plugins/plugin_declarations'

/**
 * The read models of the Connections pages: what a plugin card, a
 * connection and a sync run look like to a template. Public ids only;
 * credentials never leave the model.
 */
export type SyncRunSummary = {
  task: string
  trigger: string
  full: boolean
  status: 'running' | 'succeeded' | 'failed' | 'abandoned' | 'interrupted'
  itemsWritten: number
  requestsMade: number
  notModified: number
  rateLimitRemaining: number | null
  progressDone: number
  progressTotal: number | null
  progressLabel: string | null
  error: string | null
  startedAt: DateTime
  finishedAt: DateTime | null
  durationMs: number | null
}

export type ConnectionSummary = {
  publicId: string
  pluginId: string
  accountKey: string
  /** what the page calls the connection: its display name, else its account */
  label: string
  displayName: string | null
  status: ConnectionStatus
  baseUrl: string
  lastSyncAt: DateTime | null
  lastSyncStatus: string | null
  lastError: string | null
  lastErrorAt: DateTime | null
  createdAt: DateTime
  latestRun: SyncRunSummary | null
  sync: SyncState
  /** the newest onConnected / onDisconnecting run (lifecycle hooks), when the plugin has them */
  hooks: ConnectionHooks
}

/**
 * Whether the page should keep asking for the sync status: while a run
 * is running, or after "Sync now" until a worker starts the run.
 */
export type SyncState = {
  polling: boolean
  waitingForWorker: boolean
  /** queued a while ago and still no run: no worker seems to be running */
  workerMissing: boolean
  pollUrl: string
}

/** how long a queued sync may wait for a worker before the page says so */
const WORKER_PATIENCE_MS = 2 * 60 * 1000

export type MethodCard = {
  id: string
  label: string
  help: string | null
  authKind: PluginAuth['kind']
  fields: ConnectionField[]
  /** OAuth settings the operator has yet to give, in words */
  oauthMissing: string[]
}

export type PluginCard = {
  id: string
  name: string
  description: string
  category: PluginCategory | null
  version: string | null
  /** "missing": connections exist for a plugin that is no longer installed */
  state: RegisteredPlugin['state'] | 'missing'
  error: string | null
  /** the first method's kind ('none' when there is nothing to connect) */
  authKind: PluginAuth['kind'] | null
  /** the ways to connect it, each with its own form or button */
  methods: MethodCard[]
  baseUrl: { default: string; label: string; help: string | null } | null
  /** the plugin's declared environment variables that are missing or invalid, in words */
  needsConfiguration: string[]
  canTest: boolean
  syncTasks: string[]
  /** its webhooks go to a per-connection URL (rotatable on the connection's page) */
  webhookUrlPerConnection: boolean
  connections: ConnectionSummary[]
}

/** SQLite hands timestamps back as the text sqlTime() wrote; PostgreSQL as Date. */
export function toDateTime(value: unknown): DateTime | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return DateTime.fromJSDate(value)
  if (typeof value === 'number') return DateTime.fromMillis(value)
  const parsed = DateTime.fromSQL(String(value))
  return parsed.isValid ? parsed : DateTime.fromISO(String(value))
}

function toNumberOrNull(value: unknown) {
  return value === null || value === undefined ? null : Number(value)
}

export function toRunSummary(row: Record<string, any>): SyncRunSummary {
  return {
    task: String(row.task),
    trigger: String(row.trigger),
    full: Boolean(row.full),
    status: row.status,
    itemsWritten: Number(row.items_written ?? 0),
    requestsMade: Number(row.requests_made ?? 0),
    notModified: Number(row.not_modified ?? 0),
    rateLimitRemaining: toNumberOrNull(row.rate_limit_remaining),
    progressDone: Number(row.progress_done ?? 0),
    progressTotal: toNumberOrNull(row.progress_total),
    progressLabel: row.progress_label ?? null,
    error: row.error ?? null,
    startedAt: toDateTime(row.started_at) ?? DateTime.invalid('missing started_at'),
    finishedAt: toDateTime(row.finished_at),
    durationMs: toNumberOrNull(row.duration_ms),
  }
}

/** the newest run of each connection (ids grow with time) */
export async function latestRunsByConnection(connectionIds: number[]) {
  const latest = new Map<number, SyncRunSummary>()
  if (connectionIds.length === 0) return latest
  const rows = await db
    .from('sync_runs')
    .whereIn(
      'id',
      db
        .from('sync_runs')
        .max('id')
        .whereIn('connection_id', connectionIds)
        .groupBy('connection_id')
    )
  for (const row of rows) latest.set(Number(row.connection_id), toRunSummary(row))
  return latest
}

export async function recentRuns(connectionId: number, limit: number) {
  const rows = await db
    .from('sync_runs')
    .where('connection_id', connectionId)
    .orderBy('id', 'desc')
    .limit(limit)
  return rows.map(toRunSummary)
}

export function syncState(
  connectionPublicId: string,
  latestRun: SyncRunSummary | null,
  queuedAt: number | null
): SyncState {
  // Run rows are stamped to the second: a run of the same second counts as started.
  const startedSinceQueued =
    latestRun !== null && queuedAt !== null && latestRun.startedAt.toMillis() >= queuedAt - 1000
  const queued = queuedAt !== null && !startedSinceQueued
  const waitingForWorker = queued && Date.now() - queuedAt < WORKER_PATIENCE_MS
  const base = `/settings/connections/${connectionPublicId}/status`
  return {
    polling: waitingForWorker || latestRun?.status === 'running',
    waitingForWorker,
    workerMissing: queued && !waitingForWorker,
    pollUrl: waitingForWorker ? `${base}?queued=${queuedAt}` : base,
  }
}

export function summarizeConnection(
  connection: Connection,
  plugin: LoadedPlugin | null,
  latestRun: SyncRunSummary | null,
  queuedAt: number | null = null
): ConnectionSummary {
  const account = connection.accountKey === 'default' ? null : connection.accountKey
  return {
    publicId: connection.publicId,
    pluginId: connection.pluginId,
    accountKey: connection.accountKey,
    label: connection.displayName ?? account ?? plugin?.definition.name ?? connection.pluginId,
    displayName: connection.displayName,
    status: connection.status,
    baseUrl: plugin ? baseUrlOf(connection, plugin) : (connection.baseUrl ?? ''),
    lastSyncAt: connection.lastSyncAt,
    lastSyncStatus: connection.lastSyncStatus,
    lastError: connection.lastError,
    lastErrorAt: connection.lastErrorAt,
    createdAt: connection.createdAt,
    latestRun,
    sync: syncState(connection.publicId, latestRun, queuedAt),
    hooks: { connected: null, disconnecting: null },
  }
}

/** a card for any registered plugin, failed and disabled ones included */
export function pluginCard(plugin: RegisteredPlugin, connections: ConnectionSummary[]): PluginCard {
  const definition = plugin.state === 'loaded' ? plugin.definition : null
  const methods: MethodCard[] = definition
    ? pluginMethods(definition).map((method) => ({
        id: method.id,
        label: method.label,
        help: method.help,
        authKind: method.auth.kind,
        fields: method.fields,
        oauthMissing: method.auth.kind === 'oauth2' ? oauthMissingSettings(method.auth) : [],
      }))
    : []
  const baseUrl = definition?.connection?.baseUrl
  return {
    id: plugin.id,
    name: definition?.name ?? plugin.id,
    description: definition?.description ?? '',
    category: definition?.category ?? null,
    version: definition?.version ?? null,
    state: plugin.state,
    error: plugin.error,
    authKind: definition ? (methods[0]?.authKind ?? 'none') : null,
    methods,
    baseUrl: baseUrl
      ? { default: baseUrl.default, label: baseUrl.label ?? 'Base URL', help: baseUrl.help ?? null }
      : null,
    needsConfiguration: configurationProblems(plugin).map((problem) => problem.message),
    canTest: definition ? pluginMethods(definition).some((method) => Boolean(method.test)) : false,
    syncTasks: (definition?.sync ?? []).map((task) => task.name),
    webhookUrlPerConnection: definition?.webhooks?.authentication === 'url-token',
    connections,
  }
}

/** connections of a plugin that is no longer installed, so they can be disconnected */
export function missingPluginCard(pluginId: string, connections: ConnectionSummary[]): PluginCard {
  return {
    ...pluginCard(
      { id: pluginId, dir: '', entry: '', state: 'failed', definition: null, error: null },
      connections
    ),
    state: 'missing',
    error: `No plugin "${pluginId}" is installed any more`,
  }
}

/**
 * One of the organisation's connections by public id; another
 * organisation's connection is "not found", like an unknown one. With
 * null (the admin area only), one of the installation's connections.
 */
export async function findOrganizationConnection(
  organizationId: ConnectionOwnerId,
  publicId: unknown,
  client?: TransactionClientContract
) {
  const id = Connection.keyFromPublicId(publicId)
  const query = whereOwner(Connection.query(client ? { client } : undefined), organizationId).where(
    'id',
    id ?? 0
  )
  if (client) query.forUpdate()
  return query.firstOrFail()
}

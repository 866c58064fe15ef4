import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Connection from '#models/connection'
import { whereOwner } from '#services/plugins/installation_scope'
import RunSyncJob from '#jobs/run_sync_job'
import type { LoadedPlugin } from '#services/plugins/registry'
import { testAndRecord } from '#actions/connections/test_connection'
import { queueOnConnected } from '#actions/plugins/queue_plugin_hook'
import type { ConnectionStatus, ConnectionTestResult } from '#plugin-sdk/types'

export type ConnectionValues = {
  /** null: an installation-scoped connection (admin area) */
  organizationId: number | null
  pluginId: string
  accountKey: string
  /** null when an operator or a test connects, not a member */
  createdById: number | null
  displayName?: string | null
  config: Record<string, unknown>
  credentials: Record<string, string>
  baseUrl: string | null
  status: ConnectionStatus
  /** the plugin's authentication method (null: its only one) */
  authMethod?: string | null
  /** shared by the connections made from one OAuth grant */
  oauthGrant?: string | null
}

export type ConnectOutcome = {
  pluginName: string
  connection: Connection
  test: ConnectionTestResult | null
  syncQueued: boolean
}

function isUniqueViolation(error: unknown) {
  const code = (error as { code?: string })?.code ?? ''
  return ['23505', 'ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE'].includes(code)
}

async function writeConnection(values: ConnectionValues) {
  return db.transaction((trx) => writeConnectionIn(trx, values))
}

async function writeConnectionIn(trx: TransactionClientContract, values: ConnectionValues) {
  const existing = await whereOwner(Connection.query({ client: trx }), values.organizationId)
    .where('plugin_id', values.pluginId)
    .where('account_key', values.accountKey)
    .forUpdate()
    .first()
  const connection = existing ?? new Connection()
  connection.useTransaction(trx)
  if (!existing) {
    connection.merge({
      organizationId: values.organizationId,
      pluginId: values.pluginId,
      accountKey: values.accountKey,
      createdById: values.createdById,
    })
  }
  connection.merge({
    status: values.status,
    baseUrl: values.baseUrl,
    lastError: null,
    lastErrorAt: null,
  })
  if (values.displayName !== undefined) connection.displayName = values.displayName
  connection.authMethod = values.authMethod ?? null
  connection.oauthGrant = values.oauthGrant ?? null
  connection.configValues = values.config
  // Sealing binds the credentials to the row id, so a new row is saved first.
  if (!existing) await connection.save()
  connection.sealCredentials(values.credentials)
  await connection.save()
  return connection.id
}

/**
 * Creates the organisation's connection to this account, or replaces the
 * credentials and settings of the existing one (reconnecting), in one
 * transaction: no row ever holds half of a connect.
 */
export async function upsertConnection(values: ConnectionValues): Promise<Connection> {
  let id: number
  try {
    id = await writeConnection(values)
  } catch (error) {
    // Two connects of the same account raced; the second now finds the first's row.
    if (!isUniqueViolation(error)) throw error
    id = await writeConnection(values)
  }
  return Connection.findOrFail(id)
}

/**
 * Several connections from one answer (the accounts an OAuth grant
 * reaches) in one transaction: all are stored, or none.
 */
export async function upsertConnections(list: ConnectionValues[]): Promise<Connection[]> {
  const write = () =>
    db.transaction(async (trx) => {
      const ids: number[] = []
      for (const values of list) ids.push(await writeConnectionIn(trx, values))
      return ids
    })
  let ids: number[]
  try {
    ids = await write()
  } catch (error) {
    if (!isUniqueViolation(error)) throw error
    ids = await write()
  }
  return Promise.all(ids.map((id) => Connection.findOrFail(id)))
}

/**
 * What follows every connect: prove the credentials with the plugin's
 * test, then queue a first sync so the data starts arriving.
 */
export async function finishConnecting(
  connection: Connection,
  plugin: LoadedPlugin
): Promise<ConnectOutcome> {
  const test = await testAndRecord(connection, plugin)
  if (!test && connection.status === 'pending') {
    connection.status = 'active'
    await connection.save()
  }
  // onConnected (register the provider's webhooks…) runs in a worker, with retries.
  if (connection.status === 'active') await queueOnConnected(connection, plugin)
  let syncQueued = false
  if (connection.status === 'active' && (plugin.definition.sync ?? []).length > 0) {
    try {
      // The first sync also takes the first repository snapshots.
      await RunSyncJob.dispatch({
        connectionId: connection.id,
        trigger: 'connect',
        includeSnapshots: true,
      })
      syncQueued = true
    } catch (error) {
      // The connection is stored and works; the schedule or "Sync now" will sync it.
      logger.error(
        { err: error, connection: connection.publicId },
        'could not queue the first sync'
      )
    }
  }
  return { pluginName: plugin.definition.name, connection, test, syncQueued }
}

/**
 * The flash message after a connect, in the user's words: connected, or
 * connected but the provider refused the credentials.
 */
export function connectOutcomeMessage(outcome: ConnectOutcome) {
  const account = outcome.connection.displayName ?? null
  const target = account ? `${outcome.pluginName} (${account})` : outcome.pluginName
  if (outcome.test && !outcome.test.ok) {
    return {
      kind: 'error' as const,
      message: `${target} is saved but its test failed: ${outcome.test.message}`,
    }
  }
  const parts = [`Connected to ${target}.`]
  if (outcome.test?.message) parts.push(outcome.test.message.replace(/([^.!?])$/, '$1.'))
  if (outcome.syncQueued) parts.push('A first sync is queued.')
  return { kind: 'success' as const, message: parts.join(' ') }
}

import db from '@adonisjs/lucid/services/db'
import type Organization from '#models/organization'
import { pluginRegistry } from '#services/plugins/registry'
import { sqlTime } from '#services/sql'
import { findOrganizationConnection } from '#actions/connections/connection_summaries'
import {
  dispatchHookRun,
  hasLifecycleHook,
  recordLifecycleHook,
} from '#actions/plugins/queue_plugin_hook'

export type DisconnectOutcome = {
  pluginName: string
  account: string | null
  /** true when the plugin's onDisconnecting runs first (in a worker) */
  cleanupQueued: boolean
}

/**
 * Removes a connection and its sealed credentials. What it synced stays
 * (the foreign keys set connection_id to null); its HTTP cache, cursors
 * and sync runs go with it.
 *
 * A plugin with onDisconnecting (delete the provider's webhooks, revoke
 * tokens), or an OAuth connection whose method declares a revokeUrl (the
 * platform revokes the grant), gets to run it first: the connection turns "disconnecting" at
 * once (no more syncs, no more deliveries) and is deleted by the worker
 * when the hook succeeds. A failing hook never blocks the disconnect: it
 * is shown on the page with Retry and "Remove now".
 */
export default class DisconnectConnection {
  async execute(input: {
    /** null: an installation-scoped connection (admin area) */
    organization: Organization | null
    connectionPublicId: string
    /** "Remove now": skip onDisconnecting (it keeps failing, or the account is gone) */
    skipCleanup?: boolean
  }): Promise<DisconnectOutcome> {
    const outcome = await db.transaction(async (trx) => {
      const connection = await findOrganizationConnection(
        input.organization?.id ?? null,
        input.connectionPublicId,
        trx
      )
      const plugin = pluginRegistry.get(connection.pluginId)
      const pluginName = plugin?.definition.name ?? connection.pluginId
      const account =
        connection.displayName ??
        (connection.accountKey === 'default' ? null : connection.accountKey)
      if (input.skipCleanup || !hasLifecycleHook(plugin, 'disconnecting', connection)) {
        await connection.delete()
        return { pluginName, account, runId: null }
      }
      if (connection.status === 'disconnecting') {
        // already leaving: the run in progress (or its Retry) finishes the job
        return { pluginName, account, runId: null, leaving: true }
      }
      await trx
        .from('connections')
        .where('id', connection.id)
        .update({ status: 'disconnecting', updated_at: sqlTime() })
      connection.status = 'disconnecting'
      const runId = await recordLifecycleHook(connection, 'disconnecting', trx)
      return { pluginName, account, runId }
    })
    if (outcome.runId !== null) await dispatchHookRun(outcome.runId)
    return {
      pluginName: outcome.pluginName,
      account: outcome.account,
      cleanupQueued: outcome.runId !== null || Boolean(outcome.leaving),
    }
  }
}

import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import { sqlTime, updatedExactlyOne } from '#services/sql'
import { publicIds } from '#services/public_id'
import { pluginRegistry, type LoadedPlugin } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { revokeOAuthGrant } from '#services/plugins/oauth_revocation'
import { connectionWebhookUrls } from '#services/webhooks/connection_tokens'
import type { CoreEventName, LifecycleContext } from '#plugin-sdk/lifecycle'

export type HookOutcome = 'succeeded' | 'skipped' | 'not-claimed'

/**
 * Runs one plugin hook run, exactly once per attempt: the run is claimed
 * with a conditional UPDATE (pending or failed → running), so a queued
 * retry racing a manual Retry finds nothing to claim.
 *
 * - connected: the plugin's onConnected, while the connection is active.
 * - disconnecting: onDisconnecting, then the connection is deleted. If a
 *   member reconnected it in the meantime the run is skipped.
 * - event: the plugin's handler for a core event; the payload (it may
 *   name a person) is cleared once delivered.
 */
export default class RunPluginHook {
  async execute(runId: number): Promise<HookOutcome> {
    const claimed = await db
      .from('plugin_hook_runs')
      .where('id', runId)
      .whereIn('status', ['pending', 'failed'])
      .update({ status: 'running', attempts: db.raw('attempts + 1'), updated_at: sqlTime() })
    if (!updatedExactlyOne(claimed)) return 'not-claimed'
    const run = await db.from('plugin_hook_runs').where('id', runId).firstOrFail()
    try {
      const outcome = await this.#run(run)
      await this.#finish(runId, outcome)
      return outcome
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      logger.warn(
        { plugin: run.plugin_id, hook: run.hook, event: run.event, run: runId },
        `Plugin hook failed: ${message}`
      )
      await db
        .from('plugin_hook_runs')
        .where('id', runId)
        .update({ status: 'failed', last_error: message.slice(0, 2000), updated_at: sqlTime() })
      throw error
    }
  }

  async #finish(runId: number, outcome: 'succeeded' | 'skipped') {
    await db.from('plugin_hook_runs').where('id', runId).update({
      status: outcome,
      last_error: null,
      payload: null,
      finished_at: sqlTime(),
      updated_at: sqlTime(),
    })
  }

  async #run(run: Record<string, any>): Promise<'succeeded' | 'skipped'> {
    const plugin = pluginRegistry.get(run.plugin_id)
    if (!plugin) throw new Error(`The plugin "${run.plugin_id}" is not loaded`)
    const attempt = Number(run.attempts)
    const log = logger.child({ plugin: plugin.id, hook: run.hook, run: run.id })

    if (run.hook === 'event') {
      const handler = plugin.definition.events?.[run.event as CoreEventName]
      if (!handler) return 'skipped'
      await (handler as (context: unknown) => Promise<void>)({
        event: run.event,
        payload: run.payload ? JSON.parse(run.payload) : null,
        attempt,
        logger: log,
        connections: async (organizationPublicId: string) => {
          const organizationId = publicIds('organization').decode(organizationPublicId)
          const rows = await Connection.query()
            .where('organization_id', organizationId ?? 0)
            .where('plugin_id', plugin.id)
            .where('status', 'active')
            .orderBy('id')
          return rows.map((row) => connectionHandle(row, plugin))
        },
        installationConnections: async () => {
          const rows = await Connection.query()
            .whereNull('organization_id')
            .where('plugin_id', plugin.id)
            .where('status', 'active')
            .orderBy('id')
          return rows.map((row) => connectionHandle(row, plugin))
        },
      })
      return 'succeeded'
    }

    const connection = run.connection_id ? await Connection.find(run.connection_id) : null
    // removed meanwhile ("Remove now", or the provider uninstalled the app)
    if (!connection) return 'skipped'
    if (run.hook === 'connected') {
      const hook = plugin.definition.lifecycle?.onConnected
      if (!hook || connection.status !== 'active') return 'skipped'
      await hook(lifecycleContext(connection, plugin, attempt, log))
      return 'succeeded'
    }
    // reconnected while the disconnect waited: nothing to undo
    if (connection.status !== 'disconnecting') return 'skipped'
    const hook = plugin.definition.lifecycle?.onDisconnecting
    if (hook) await hook(lifecycleContext(connection, plugin, attempt, log))
    // then the platform's own clean-up: an OAuth grant is revoked at the provider
    await revokeOAuthGrant(connection, plugin)
    await Connection.query().where('id', connection.id).where('status', 'disconnecting').delete()
    return 'succeeded'
  }
}

function lifecycleContext(
  connection: Connection,
  plugin: LoadedPlugin,
  attempt: number,
  log: LifecycleContext['logger']
): LifecycleContext {
  return {
    connection: connectionHandle(connection, plugin),
    webhooks: connectionWebhookUrls(connection, plugin.definition),
    attempt,
    logger: log,
  }
}

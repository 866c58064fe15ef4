import db from '@adonisjs/lucid/services/db'
import type Organization from '#models/organization'
import { pluginRegistry } from '#services/plugins/registry'
import { findOrganizationConnection } from '#actions/connections/connection_summaries'
import { ConnectionActionRefusedException } from '#actions/connections/test_connection'
import {
  dispatchHookRun,
  hasLifecycleHook,
  recordLifecycleHook,
} from '#actions/plugins/queue_plugin_hook'
import type { LifecycleHookName } from '#queries/plugin_hook_runs'

const HOOKS: Record<string, LifecycleHookName> = {
  connected: 'connected',
  disconnecting: 'disconnecting',
}

/**
 * Retry on the connection's page: queues the failed (or never queued)
 * onConnected or onDisconnecting run again. One already running is left
 * alone; a hook that succeeded is run again as a new run (onConnected
 * after the provider lost the webhook, say).
 */
export default class RetryConnectionHook {
  async execute(input: { organization: Organization; connectionPublicId: string; hook: string }) {
    const hook = HOOKS[input.hook]
    const connection = await findOrganizationConnection(
      input.organization.id,
      input.connectionPublicId
    )
    const plugin = pluginRegistry.get(connection.pluginId)
    if (!hook || !hasLifecycleHook(plugin, hook, connection)) {
      throw new ConnectionActionRefusedException('This connection has no such step to retry.')
    }
    if (hook === 'connected' && connection.status !== 'active') {
      throw new ConnectionActionRefusedException(
        'Only an active connection is set up at the provider.'
      )
    }
    if (hook === 'disconnecting' && connection.status !== 'disconnecting') {
      throw new ConnectionActionRefusedException('This connection is not being disconnected.')
    }
    const latest = await db
      .from('plugin_hook_runs')
      .where('connection_id', connection.id)
      .where('hook', hook)
      .orderBy('id', 'desc')
      .first()
    if (latest?.status === 'running') {
      throw new ConnectionActionRefusedException('It is running now: wait for it to finish.')
    }
    const runId =
      latest && ['failed', 'pending'].includes(latest.status)
        ? Number(latest.id)
        : await recordLifecycleHook(connection, hook)
    if (!(await dispatchHookRun(runId))) {
      throw new ConnectionActionRefusedException(
        'The job queue cannot be reached: try again later.'
      )
    }
    return { pluginName: plugin!.definition.name }
  }
}

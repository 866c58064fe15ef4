import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type Connection from '#models/connection'
import { insertedId, sqlTime } from '#services/sql'
import { pluginRegistry, type LoadedPlugin } from '#services/plugins/registry'
import { revokesOnDisconnect } from '#services/plugins/oauth_revocation'
import RunPluginHookJob from '#jobs/run_plugin_hook_job'
import type { LifecycleHookName } from '#queries/plugin_hook_runs'
import type { CoreEventName, CoreEvents, CoreEventUser } from '#plugin-sdk/lifecycle'

type Client = Pick<QueryClientContract, 'insertQuery'>

async function insertRun(
  values: {
    pluginId: string
    hook: LifecycleHookName | 'event'
    event?: string
    organizationId: number | null
    connectionId: number | null
    payload?: unknown
  },
  client: Client = db
) {
  const now = sqlTime()
  const inserted = await client
    .insertQuery()
    .table('plugin_hook_runs')
    .insert({
      plugin_id: values.pluginId,
      hook: values.hook,
      event: values.event ?? null,
      organization_id: values.organizationId,
      connection_id: values.connectionId,
      payload: values.payload === undefined ? null : JSON.stringify(values.payload),
      status: 'pending',
      attempts: 0,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
  const id = insertedId(inserted)
  if (id === null) throw new Error('the plugin hook run was not stored')
  return id
}

/**
 * Queues a run: a queue that cannot be reached leaves it pending, shown
 * on the connection's page with Retry, and never fails the request.
 */
export async function dispatchHookRun(runId: number) {
  try {
    await RunPluginHookJob.dispatch({ runId })
    return true
  } catch (error) {
    logger.error({ err: error, run: runId }, 'could not queue a plugin hook')
    return false
  }
}

/**
 * Whether the plugin has this lifecycle hook. For a connection being
 * disconnected the platform's own step counts too: revoking an OAuth
 * grant whose method declares a revokeUrl.
 */
export function hasLifecycleHook(
  plugin: LoadedPlugin | null,
  hook: LifecycleHookName,
  connection?: Connection
) {
  const lifecycle = plugin?.definition.lifecycle
  if (hook === 'connected') return Boolean(lifecycle?.onConnected)
  return (
    Boolean(lifecycle?.onDisconnecting) ||
    (connection !== undefined && revokesOnDisconnect(plugin, connection))
  )
}

/**
 * Records a lifecycle hook run for a connection; dispatch it with
 * dispatchHookRun once the transaction that recorded it has committed.
 */
export function recordLifecycleHook(
  connection: Connection,
  hook: LifecycleHookName,
  client?: Client
) {
  return insertRun(
    {
      pluginId: connection.pluginId,
      hook,
      organizationId: connection.organizationId,
      connectionId: connection.id,
    },
    client
  )
}

/** records and queues onConnected, when the plugin has it */
export async function queueOnConnected(connection: Connection, plugin: LoadedPlugin) {
  if (!hasLifecycleHook(plugin, 'connected')) return false
  try {
    return await dispatchHookRun(await recordLifecycleHook(connection, 'connected'))
  } catch (error) {
    logger.error({ err: error, connection: connection.publicId }, 'could not record onConnected')
    return false
  }
}

/**
 * Publishes a core event to every loaded plugin that subscribes to it:
 * one run per plugin, each through the queue, so a failing plugin never
 * fails (or slows) the request that caused the event. Call it after the
 * change has committed.
 */
export async function publishCoreEvent<Name extends CoreEventName>(
  event: Name,
  payload: CoreEvents[Name],
  organizationId: number | null = null
) {
  for (const plugin of pluginRegistry.loaded()) {
    if (!plugin.definition.events?.[event]) continue
    try {
      const runId = await insertRun({
        pluginId: plugin.id,
        hook: 'event',
        event,
        organizationId,
        connectionId: null,
        payload,
      })
      await dispatchHookRun(runId)
    } catch (error) {
      logger.error({ err: error, plugin: plugin.id, event }, 'could not publish a core event')
    }
  }
}

/** a person as core events show them to plugins */
export function eventUser(user: {
  publicId: string
  email: string
  fullName: string | null
}): CoreEventUser {
  return { publicId: user.publicId, email: user.email, fullName: user.fullName ?? null }
}

/** someone joined an organisation, changed role, or left it (role null) */
export function publishMembershipChanged(input: {
  organization: { id: number; publicId: string }
  user: { publicId: string; email: string; fullName: string | null }
  role: string | null
  previousRole: string | null
}) {
  return publishCoreEvent(
    'membership.changed',
    {
      organizationPublicId: input.organization.publicId,
      user: eventUser(input.user),
      role: input.role,
      previousRole: input.previousRole,
    },
    input.organization.id
  )
}

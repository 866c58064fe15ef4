import type Organization from '#models/organization'
import { pluginRegistry } from '#services/plugins/registry'
import {
  findOrganizationConnection,
  missingPluginCard,
  pluginCard,
  recentRuns,
  summarizeConnection,
  toDateTime,
} from '#actions/connections/connection_summaries'
import db from '@adonisjs/lucid/services/db'
import { latestHookRuns } from '#queries/plugin_hook_runs'
import { recentStatusChecks } from '#queries/status_check_posts'

/**
 * One connection of the organisation with its recent sync runs, and what
 * its plugin's settings partial receives: the connection's public data
 * (never its credentials).
 */
export default class ShowConnection {
  async execute(input: {
    organization: Organization
    connectionPublicId: string
    runs: number
    /** when "Sync now" queued a run (epoch ms), to follow it until it starts */
    queuedAt?: number | null
  }) {
    const connection = await findOrganizationConnection(
      input.organization.id,
      input.connectionPublicId
    )
    const plugin = pluginRegistry.get(connection.pluginId)
    const runs = await recentRuns(connection.id, input.runs)
    // Per-scope freshness: when each scope's cursor last moved.
    const cursors = await db
      .from('sync_cursors')
      .where('connection_id', connection.id)
      .orderBy('updated_at', 'asc')
      .limit(200)
      .select('task', 'scope', 'updated_at')
    const scopes = cursors.map((row) => ({
      task: row.task as string,
      scope: row.scope as string,
      updatedAt: toDateTime(row.updated_at),
    }))
    const summary = summarizeConnection(connection, plugin, runs[0] ?? null, input.queuedAt ?? null)
    const hooks = await latestHookRuns([connection.id])
    summary.hooks = hooks.get(connection.id) ?? summary.hooks
    const registered = pluginRegistry.all().find((entry) => entry.id === connection.pluginId)
    const card = registered
      ? pluginCard(registered, [summary])
      : missingPluginCard(connection.pluginId, [summary])
    return {
      plugin: card,
      connection: summary,
      runs,
      scopes,
      statusChecks: await recentStatusChecks(input.organization.id, connection.id),
      settingsPartial: plugin?.definition.settingsPartial ?? null,
      settingsData: {
        publicId: connection.publicId,
        pluginId: connection.pluginId,
        accountKey: connection.accountKey,
        displayName: connection.displayName,
        status: connection.status,
        baseUrl: summary.baseUrl,
        config: connection.configValues,
        lastSyncAt: connection.lastSyncAt?.toISO() ?? null,
        lastSyncStatus: connection.lastSyncStatus,
        lastError: connection.lastError,
      },
    }
  }
}

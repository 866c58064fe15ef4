import Connection from '#models/connection'
import type Organization from '#models/organization'
import { latestHookRuns } from '#queries/plugin_hook_runs'
import { pluginRegistry } from '#services/plugins/registry'
import { isInstallationScoped } from '#services/plugins/installation_scope'
import {
  latestRunsByConnection,
  missingPluginCard,
  pluginCard,
  summarizeConnection,
  type ConnectionSummary,
  type PluginCard,
} from '#actions/connections/connection_summaries'

/**
 * The Connections page of an organisation: every installed plugin (failed
 * and disabled ones too, with their error), the organisation's
 * connections of each and the latest sync run of every connection.
 */
export default class ListConnections {
  async execute(organization: Organization): Promise<PluginCard[]> {
    const connections = await Connection.query()
      .where('organization_id', organization.id)
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
    const ids = connections.map((connection) => connection.id)
    const latestRuns = await latestRunsByConnection(ids)
    const hooks = await latestHookRuns(ids)

    const byPlugin = new Map<string, ConnectionSummary[]>()
    for (const connection of connections) {
      const summary = summarizeConnection(
        connection,
        pluginRegistry.get(connection.pluginId),
        latestRuns.get(connection.id) ?? null
      )
      summary.hooks = hooks.get(connection.id) ?? summary.hooks
      byPlugin.set(connection.pluginId, [...(byPlugin.get(connection.pluginId) ?? []), summary])
    }

    // The installation's own accounts (admin area) are no organisation's business.
    const registered = pluginRegistry
      .all()
      .filter((plugin) => !isInstallationScoped(plugin.definition))
    const cards = registered.map((plugin) => pluginCard(plugin, byPlugin.get(plugin.id) ?? []))
    for (const [pluginId, summaries] of byPlugin) {
      if (!registered.some((plugin) => plugin.id === pluginId)) {
        cards.push(missingPluginCard(pluginId, summaries))
      }
    }
    return cards
  }
}

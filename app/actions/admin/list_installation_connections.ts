import Connection from '#models/connection'
import { pluginRegistry } from '#services/plugins/registry'
import { isInstallationScoped } from '#services/plugins/installation_scope'
import {
  latestRunsByConnection,
  pluginCard,
  summarizeConnection,
  type PluginCard,
} from '#actions/connections/connection_summaries'

/**
 * The admin area's Integrations page: every installation-scoped plugin
 * (the operator's own accounts, such as Mailchimp) with its connection,
 * what its configuration still lacks and its last sync and error.
 */
export default class ListInstallationConnections {
  async execute(): Promise<PluginCard[]> {
    const plugins = pluginRegistry
      .loaded()
      .filter((plugin) => isInstallationScoped(plugin.definition))
    if (plugins.length === 0) return []
    const connections = await Connection.query()
      .whereNull('organization_id')
      .whereIn(
        'plugin_id',
        plugins.map((plugin) => plugin.id)
      )
      .orderBy('id', 'asc')
    const latestRuns = await latestRunsByConnection(connections.map((connection) => connection.id))
    return plugins.map((plugin) =>
      pluginCard(
        plugin,
        connections
          .filter((connection) => connection.pluginId === plugin.id)
          .map((connection) =>
            summarizeConnection(connection, plugin, latestRuns.get(connection.id) ?? null)
          )
      )
    )
  }
}

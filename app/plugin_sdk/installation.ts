import Connection from '#models/connection'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import type { ConnectionHandle } from '#plugin-sdk/types'

/**
 * A plugin's installation-scoped connections (the operator's own account,
 * set in the admin area), for code that runs outside a sync, hook or
 * event: an ace command (create:mailchimp-audience). Connections being
 * removed are left out; one whose last test failed is not (a command may
 * be what repairs it).
 */
export async function installationConnections(pluginId: string): Promise<ConnectionHandle[]> {
  const plugin = pluginRegistry.require(pluginId)
  const rows = await Connection.query()
    .whereNull('organization_id')
    .where('plugin_id', plugin.id)
    .whereNot('status', 'disconnecting')
    .orderBy('id')
  return rows.map((row) => connectionHandle(row, plugin))
}

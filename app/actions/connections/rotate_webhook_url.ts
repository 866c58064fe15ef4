import type Organization from '#models/organization'
import { pluginRegistry } from '#services/plugins/registry'
import { rotateConnectionWebhookToken, usesUrlTokens } from '#services/webhooks/connection_tokens'
import { findOrganizationConnection } from '#actions/connections/connection_summaries'
import { ConnectionActionRefusedException } from '#actions/connections/test_connection'
import { queueOnConnected } from '#actions/plugins/queue_plugin_hook'

/**
 * Gives a connection a new webhook URL token (a URL that leaked, a
 * routine rotation): the old URL is refused from now on, and the
 * plugin's onConnected runs again to register the new one with the
 * provider. The URL itself is never shown: it is a credential.
 */
export default class RotateWebhookUrl {
  async execute(input: { organization: Organization; connectionPublicId: string }) {
    const connection = await findOrganizationConnection(
      input.organization.id,
      input.connectionPublicId
    )
    const plugin = pluginRegistry.get(connection.pluginId)
    if (!plugin || !usesUrlTokens(plugin.definition)) {
      throw new ConnectionActionRefusedException('This connection has no webhook URL of its own.')
    }
    if (connection.status !== 'active') {
      throw new ConnectionActionRefusedException('Only an active connection receives webhooks.')
    }
    await rotateConnectionWebhookToken(connection)
    const reregistering = await queueOnConnected(connection, plugin)
    return { pluginName: plugin.definition.name, reregistering }
  }
}

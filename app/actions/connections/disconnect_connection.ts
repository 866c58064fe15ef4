import db from '@adonisjs/lucid/services/db'
import type Organization from '#models/organization'
import { pluginRegistry } from '#services/plugins/registry'
import { findOrganizationConnection } from '#actions/connections/connection_summaries'

/**
 * Removes a connection and its sealed credentials. What it synced stays
 * (the foreign keys set connection_id to null); its HTTP cache, cursors
 * and sync runs go with it.
 */
export default class DisconnectConnection {
  async execute(input: { organization: Organization; connectionPublicId: string }) {
    return db.transaction(async (trx) => {
      const connection = await findOrganizationConnection(
        input.organization.id,
        input.connectionPublicId,
        trx
      )
      const plugin = pluginRegistry.get(connection.pluginId)
      const pluginName = plugin?.definition.name ?? connection.pluginId
      const account =
        connection.displayName ??
        (connection.accountKey === 'default' ? null : connection.accountKey)
      await connection.delete()
      return { pluginName, account }
    })
  }
}

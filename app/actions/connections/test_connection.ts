import { DateTime } from 'luxon'
import type Connection from '#models/connection'
import type Organization from '#models/organization'
import { connectionHandle } from '#services/plugins/connection_handle'
import { pluginRegistry, type LoadedPlugin } from '#services/plugins/registry'
import { findOrganizationConnection } from '#actions/connections/connection_summaries'
import type { ConnectionTestResult } from '#plugin-sdk/types'

/** a refusal the user can act on, shown as it is */
export class ConnectionActionRefused extends Error {}

const MAX_MESSAGE_LENGTH = 1000

/**
 * Runs the plugin's test() against the stored credentials and records
 * the outcome on the connection: a passing test makes a broken or
 * pending connection active again, a failing one marks it "error" with
 * the message. A test that throws is a failed test, never a crash.
 */
export async function testAndRecord(
  connection: Connection,
  plugin: LoadedPlugin
): Promise<ConnectionTestResult | null> {
  const test = plugin.definition.connection?.test
  if (!test) return null

  let result: ConnectionTestResult
  try {
    result = await test(connectionHandle(connection, plugin))
  } catch (error) {
    result = { ok: false, message: error instanceof Error ? error.message : String(error) }
  }
  const message = String(result.message ?? '').slice(0, MAX_MESSAGE_LENGTH)

  // The test may have stored refreshed tokens or a display name: start from the row.
  await connection.refresh()
  if (result.ok) {
    // The error a failed test left behind is resolved; a sync error stays.
    if (connection.status === 'error') connection.merge({ lastError: null, lastErrorAt: null })
    if (connection.status !== 'inactive') connection.status = 'active'
    if (result.account && !connection.displayName) {
      connection.displayName = result.account.slice(0, 191)
    }
  } else {
    connection.merge({ status: 'error', lastError: message, lastErrorAt: DateTime.now() })
  }
  await connection.save()
  return { ...result, message }
}

/**
 * The "Test" button of a connection.
 */
export default class TestConnection {
  async execute(input: { organization: Organization; connectionPublicId: string }) {
    const connection = await findOrganizationConnection(
      input.organization.id,
      input.connectionPublicId
    )
    const plugin = pluginRegistry.get(connection.pluginId)
    if (!plugin) {
      throw new ConnectionActionRefused(
        `The "${connection.pluginId}" plugin is not loaded, so this connection cannot be tested.`
      )
    }
    const result = await testAndRecord(connection, plugin)
    if (!result) {
      throw new ConnectionActionRefused(`${plugin.definition.name} offers no connection test.`)
    }
    return { connection, plugin, result }
  }
}

import { FormRefusalException } from '#exceptions/form_refusal'
import { DateTime } from 'luxon'
import logger from '@adonisjs/core/services/logger'
import type Connection from '#models/connection'
import type Organization from '#models/organization'
import { connectionHandle } from '#services/plugins/connection_handle'
import { pluginRegistry, type LoadedPlugin } from '#services/plugins/registry'
import { methodOfConnection } from '#services/plugins/auth_methods'
import { findOrganizationConnection } from '#actions/connections/connection_summaries'
import type { ConnectionTestResult } from '#plugin-sdk/types'
import { describeOutboundFailure, outboundFailureText } from '#services/http/failures'

/** a refusal the user can act on, shown as it is */
export class ConnectionActionRefusedException extends FormRefusalException {
  static status = 422
  static code = 'E_CONNECTION_ACTION_REFUSED'
}

const MAX_MESSAGE_LENGTH = 1000

/**
 * A test that threw, in words: the provider and the class of failure
 * ("Acme answered HTTP 401: check the key or token"). The error itself
 * (with what the provider wrote) goes to the server log, never to the
 * page: it may hold internal data or echo a credential.
 */
function thrownTestMessage(error: unknown, connection: Connection, plugin: LoadedPlugin) {
  const failure = describeOutboundFailure(error)
  logger.warn(
    { err: error, plugin: plugin.id, connection: connection.publicId, kind: failure.kind },
    'connection test failed'
  )
  const name = plugin.definition.name
  if (failure.kind === 'refused') return `The address of ${name} is ${failure.summary}`
  return `${name} ${outboundFailureText(failure)}`
}

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
  const test = methodOfConnection(plugin, connection)?.test
  if (!test) return null

  let result: ConnectionTestResult
  try {
    result = await test(connectionHandle(connection, plugin))
  } catch (error) {
    result = { ok: false, message: thrownTestMessage(error, connection, plugin) }
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
  /** organization null: an installation-scoped connection (admin area) */
  async execute(input: { organization: Organization | null; connectionPublicId: string }) {
    const connection = await findOrganizationConnection(
      input.organization?.id ?? null,
      input.connectionPublicId
    )
    const plugin = pluginRegistry.get(connection.pluginId)
    if (!plugin) {
      throw new ConnectionActionRefusedException(
        `The "${connection.pluginId}" plugin is not loaded, so this connection cannot be tested.`
      )
    }
    const result = await testAndRecord(connection, plugin)
    if (!result) {
      throw new ConnectionActionRefusedException(
        `${plugin.definition.name} offers no connection test.`
      )
    }
    return { connection, plugin, result }
  }
}

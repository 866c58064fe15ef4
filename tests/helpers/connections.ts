import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import type Organization from '#models/organization'

/**
 * A connection as the connect form leaves it: the row first (sealing is
 * bound to its id), then its sealed credentials, in one transaction.
 */
export async function createConnection(
  organization: Organization,
  input: {
    pluginId?: string
    accountKey?: string
    credentials?: Record<string, string>
    config?: Record<string, unknown>
    baseUrl?: string | null
    status?: 'active' | 'inactive' | 'error' | 'pending'
  } = {}
) {
  return db.transaction(async (trx) => {
    const connection = new Connection()
    connection.useTransaction(trx)
    connection.merge({
      organizationId: organization.id,
      pluginId: input.pluginId ?? 'fixture',
      accountKey: input.accountKey ?? 'acme',
      displayName: input.accountKey ?? 'acme',
      status: input.status ?? 'active',
      baseUrl: input.baseUrl ?? null,
    })
    connection.configValues = input.config ?? { workspace: input.accountKey ?? 'acme' }
    await connection.save()
    connection.sealCredentials(input.credentials ?? { token: 'good-token' })
    await connection.save()
    return connection
  })
}

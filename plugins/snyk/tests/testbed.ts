import db from '@adonisjs/lucid/services/db'
import type Connection from '#models/connection'
import type Organization from '#models/organization'
import { connectionHandle } from '#services/plugins/connection_handle'
import { pluginRegistry } from '#services/plugins/registry'
import RunSync from '#actions/sync/run_sync'
import { createConnection } from '#tests/helpers/connections'
import { testConnection } from '../connect.js'
import { TOKEN } from './fake_snyk_start.js'

export { TOKEN, startSnyk, seedToken } from './fake_snyk_start.js'

/** a Snyk connection as the connect form leaves it: saved, then tested (which names it) */
export async function connectOrg(organization: Organization, orgId: string) {
  const connection = await createConnection(organization, {
    pluginId: 'snyk',
    accountKey: orgId,
    credentials: { token: TOKEN },
    config: { organization: orgId },
  })
  const result = await testConnection(handleOf(connection))
  if (!result.ok) throw new Error(result.message)
  await connection.refresh()
  return connection
}

export function handleOf(connection: Connection) {
  return connectionHandle(connection, pluginRegistry.require('snyk'))
}

export async function sync(connection: Connection, options: { full?: boolean } = {}) {
  const [run] = await new RunSync().execute({
    connection,
    tasks: ['vulnerabilities'],
    trigger: 'cli',
    full: options.full,
  })
  return run
}

export async function vulnerabilities(organizationId: number) {
  return db
    .from('vulnerabilities')
    .where('organization_id', organizationId)
    .where('provider', 'snyk')
    .orderBy('external_id')
}

import db from '@adonisjs/lucid/services/db'
import type Connection from '#models/connection'
import type Organization from '#models/organization'
import { connectionHandle } from '#services/plugins/connection_handle'
import { pluginRegistry } from '#services/plugins/registry'
import RunSync from '#actions/sync/run_sync'
import { createConnection } from '#tests/helpers/connections'
import { withEnv } from '#tests/helpers/env'
import { testConnection } from '../connect.js'
import { startFakeSnyk, type FakeSnyk } from './fake_snyk.js'

export const TOKEN = 'snyk-service-account-token-0001'

/** fake Snyk on a port the OS picks, SNYK_API_URL pointing at it while it runs */
export async function startSnyk(): Promise<FakeSnyk> {
  const snyk = await startFakeSnyk()
  const restore = withEnv({ SNYK_API_URL: snyk.url, HTTP_RETRY_BASE_MS: '5' })
  const stop = snyk.stop.bind(snyk)
  snyk.stop = async () => {
    restore()
    await stop()
  }
  return snyk
}

/** a token (a service account) seeing the given organisations */
export function seedToken(snyk: FakeSnyk, names: string[]) {
  const orgs = names.map((name) => snyk.addOrg(name))
  snyk.addToken(TOKEN, {
    type: 'service_account',
    name: 'sextant-reader',
    orgs: orgs.map((org) => org.id),
  })
  return orgs
}

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

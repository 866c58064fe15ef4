import db from '@adonisjs/lucid/services/db'
import { migrateUnderLock } from '#services/migrator'
import Organization from '#models/organization'
import { createConnection } from '#tests/helpers/connections'

/**
 * Benchmarks run against their own scratch database (see the bench:*
 * scripts in package.json), rebuilt from the migrations each time.
 */
export async function prepareBenchDatabase() {
  const connection = db.connection()
  const target = JSON.stringify(db.manager.get(db.primaryConnectionName)?.config.connection ?? {})
  // Rebuilding drops every table: never point a benchmark at real data.
  if (!target.includes('bench')) {
    throw new Error('Benchmarks only run against a database whose name or file contains "bench"')
  }
  await connection.dropAllTables()
  if (connection.dialect.name === 'postgres') await connection.dropAllTypes()
  await migrateUnderLock()
}

export async function benchConnection(apiUrl: string) {
  const organization = await Organization.create({ name: 'Bench', slug: `bench-${Date.now()}` })
  return createConnection(organization, { baseUrl: apiUrl })
}

/**
 * A new organisation with one member who has a second factor (the API
 * refuses tokens of users without one) and an API token that reads and
 * writes: for plugins' benchmarks (the SDK's `benchmark.memberWithToken`).
 */
export async function benchMemberWithToken() {
  const { createAccount } = await import('#tests/helpers/accounts')
  const { default: CreateApiToken } = await import('#actions/tokens/create_api_token')
  const { CLI_META } = await import('#services/audit')
  const account = await createAccount()
  const { value } = await new CreateApiToken().execute({
    user: account.user,
    membership: account.membership,
    name: 'Benchmark',
    abilities: ['read', 'write'],
    expiresInDays: null,
    meta: CLI_META,
  })
  return {
    organizationId: account.organization.id,
    organizationPublicId: account.organization.publicId,
    userId: account.user.id,
    token: value,
  }
}

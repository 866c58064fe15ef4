import db from '@adonisjs/lucid/services/db'
import { migrateUnderLock } from '#services/migrator'

/**
 * Brings the test database to the latest schema from scratch, on the
 * engine selected by DB_CONNECTION, so a run never depends on what an
 * earlier run left behind.
 */
export async function prepareTestDatabase() {
  const connection = db.connection()
  await connection.dropAllTables()
  if (connection.dialect.name === 'postgres') await connection.dropAllTypes()
  await migrateUnderLock()
}

/**
 * Use as "group.each.setup(resetDatabase)": the returned teardown empties
 * every table (the migrations bookkeeping excepted) after each test, so
 * every test starts from a known state.
 */
export function resetDatabase() {
  return async () => {
    const connection = db.connection()
    const tables = await connection.getAllTables(
      connection.dialect.name === 'postgres' ? ['public'] : undefined
    )
    for (const table of tables) {
      if (table.startsWith('adonis_schema')) continue
      await connection.truncate(table, true)
    }
  }
}

export { db }

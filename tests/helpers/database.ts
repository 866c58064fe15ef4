import db from '@adonisjs/lucid/services/db'
import { migrateUnderLock } from '#services/migrator'

/**
 * Brings the test database to the latest schema from scratch, on the
 * engine selected by DB_CONNECTION, so a run never depends on what an
 * earlier run left behind.
 */
export async function prepareTestDatabase() {
  const connection = db.connection()
  // "npm run mutate" copies a freshly migrated SQLite file in before each
  // run (stryker/mutate.ts): rebuilding it would cost most of the run.
  // Any migration newer than the copy is still applied below.
  const postgres = connection.dialect.name === 'postgres'
  if (postgres || process.env.TEST_SQLITE_MIGRATED !== '1') {
    await connection.dropAllTables()
    if (postgres) await connection.dropAllTypes()
  }
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
    const postgres = connection.dialect.name === 'postgres'
    const tables = (await connection.getAllTables(postgres ? ['public'] : undefined)).filter(
      (table) => !table.startsWith('adonis_schema')
    )
    if (postgres) {
      // One statement for every table: a TRUNCATE per table costs a lock
      // and a new file each, which made PostgreSQL runs several times slower.
      if (tables.length === 0) return
      const names = tables.map((table) => `"${table.replace(/"/g, '""')}"`).join(', ')
      // A worker of the test process may still be writing when a test ends:
      // PostgreSQL then picks the TRUNCATE as a deadlock victim; try again.
      for (let attempt = 1; ; attempt++) {
        try {
          await connection.rawQuery(`TRUNCATE TABLE ${names} RESTART IDENTITY CASCADE`)
          return
        } catch (error) {
          if ((error as { code?: string }).code !== '40P01' || attempt >= 5) throw error
          await new Promise((resolve) => setTimeout(resolve, 100 * attempt))
        }
      }
    }
    for (const table of tables) await connection.truncate(table, true)
  }
}

export { db }

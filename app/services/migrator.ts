import { open, rm, stat } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { MigrationRunner } from '@adonisjs/lucid/migration'

/**
 * Applies pending migrations while holding a lock that every Sextant
 * instance sharing the database respects. The first instance to start
 * migrates; the others wait for it, then find nothing left to apply.
 *
 * Lucid's own advisory lock fails fast instead of waiting (and on
 * PostgreSQL may be released from another pooled connection), so we
 * hold our own blocking lock around the whole run.
 */
const PG_LOCK_KEY = 7_346_118_201 // any constant shared by all instances
const LOCK_TIMEOUT_MS = 10 * 60 * 1000

export type MigrationOutcome = { applied: string[]; waitedForLock: boolean }

export async function migrateUnderLock(
  connectionName = db.primaryConnectionName
): Promise<MigrationOutcome> {
  const dialect = db.connection(connectionName).dialect.name
  if (dialect === 'postgres')
    return withPostgresLock(connectionName, () => runMigrations(connectionName))
  return withFileLock(connectionName, () => runMigrations(connectionName))
}

async function runMigrations(connectionName: string) {
  const migrator = new MigrationRunner(db, app, {
    direction: 'up',
    connectionName,
    disableLocks: true,
  })
  await migrator.run()
  if (migrator.error) throw migrator.error
  return Object.keys(migrator.migratedFiles)
}

/**
 * A transaction-scoped advisory lock: it is released by the commit, or
 * by PostgreSQL itself if this process dies mid-migration.
 */
async function withPostgresLock(connectionName: string, work: () => Promise<string[]>) {
  const trx = await db.connection(connectionName).transaction()
  try {
    const probe = await trx.rawQuery('SELECT pg_try_advisory_xact_lock(?) AS acquired', [
      PG_LOCK_KEY,
    ])
    const waitedForLock = !probe.rows[0].acquired
    if (waitedForLock) {
      await trx.rawQuery(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT_MS}ms'`)
      await trx.rawQuery('SELECT pg_advisory_xact_lock(?)', [PG_LOCK_KEY])
    }
    const applied = await work()
    await trx.commit()
    return { applied, waitedForLock }
  } catch (error) {
    await trx.rollback()
    throw error
  }
}

/**
 * SQLite has no server to hold a lock, so instances sharing the file
 * coordinate through an exclusive-create lock file beside it. A lock
 * older than the timeout is taken to be left by a crashed process.
 */
async function withFileLock(connectionName: string, work: () => Promise<string[]>) {
  const config = db.getRawConnection(connectionName)?.config
  const filename = (config?.connection as { filename?: string } | undefined)?.filename ?? ':memory:'
  if (filename === ':memory:') return { applied: await work(), waitedForLock: false }

  const lockFile = `${filename}.migrate.lock`
  const started = Date.now()
  let waitedForLock = false
  while (true) {
    try {
      const handle = await open(lockFile, 'wx')
      await handle.writeFile(String(process.pid))
      await handle.close()
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      waitedForLock = true
      const age = await stat(lockFile)
        .then((s) => Date.now() - s.mtimeMs)
        .catch(() => 0)
      if (age > LOCK_TIMEOUT_MS) {
        await rm(lockFile, { force: true })
        continue
      }
      if (Date.now() - started > LOCK_TIMEOUT_MS)
        throw new Error(`Timed out waiting for ${lockFile}`)
      await sleep(100)
    }
  }
  try {
    return { applied: await work(), waitedForLock }
  } finally {
    await rm(lockFile, { force: true })
  }
}

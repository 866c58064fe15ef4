import { cachePreparedStatements } from '#services/sqlite_statements'

/**
 * How every SQLite connection of the application is opened and pooled.
 *
 * Write transactions begin with `BEGIN IMMEDIATE`. A plain (deferred)
 * `BEGIN` takes its read snapshot at the first read and asks for the
 * write lock only at the first write; when another connection (the
 * worker, an ace command) committed in between, SQLite refuses that write
 * at once with SQLITE_BUSY_SNAPSHOT ("database is locked"), and
 * busy_timeout cannot help, since waiting would not make the snapshot
 * current again. `BEGIN IMMEDIATE` takes the write lock first, so the
 * transaction reads and writes one current state; a second process
 * asking for the lock meanwhile waits up to busy_timeout instead.
 *
 * That wait is synchronous (better-sqlite3 runs on the main thread), so
 * two connections of one process must never wait on each other: one
 * would hold the lock while awaiting the event loop the other one blocks.
 * A pool of one connection rules it out: within a process, a transaction
 * waits for the connection asynchronously in the pool's queue, never in
 * SQLite. Several connections would buy nothing anyway, as every query of
 * a process runs on its one thread.
 */
export const SQLITE_POOL_SIZE = 1

type SqliteConnection = {
  prepare(sql: string): unknown
  pragma(source: string): unknown
}

/**
 * knex opens every transaction with the statement `BEGIN;` (nested ones
 * with `SAVEPOINT`, which need no change: the outer transaction already
 * holds the lock). A transaction that only reads takes the write lock
 * too: within a process that changes nothing (its one connection already
 * serves one transaction at a time); another process's writer waits for
 * it, as it would for any write transaction.
 */
export function beginTransactionsImmediately<T extends Pick<SqliteConnection, 'prepare'>>(
  connection: T
) {
  const prepare = connection.prepare.bind(connection)
  connection.prepare = (sql: string) =>
    prepare(/^\s*BEGIN\s*;?\s*$/i.test(sql) ? 'BEGIN IMMEDIATE;' : sql)
  return connection
}

/**
 * WAL lets readers proceed while one writer commits; foreign keys are off
 * by default in SQLite; busy_timeout turns a lock held by another process
 * into a wait of at most 5 s. Statements are compiled once per connection
 * (app/services/sqlite_statements.ts).
 */
export function prepareSqliteConnection<T extends SqliteConnection>(connection: T) {
  connection.pragma('journal_mode = WAL')
  connection.pragma('foreign_keys = ON')
  connection.pragma('busy_timeout = 5000')
  connection.pragma('synchronous = NORMAL')
  cachePreparedStatements(connection)
  return beginTransactionsImmediately(connection)
}

/**
 * The pool of a SQLite connection in config/database.ts (and of any
 * extra SQLite connection a test adds with the same behaviour).
 */
export function sqlitePool() {
  return {
    min: 1,
    max: SQLITE_POOL_SIZE,
    afterCreate: (
      connection: SqliteConnection,
      done: (error: Error | null, conn: unknown) => void
    ) => {
      prepareSqliteConnection(connection)
      done(null, connection)
    },
  }
}

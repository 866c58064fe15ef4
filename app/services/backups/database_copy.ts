import { spawn } from 'node:child_process'
import { copyFile, rm } from 'node:fs/promises'
import Database from 'better-sqlite3'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'

/**
 * The database part of a backup, per engine: SQLite through its online
 * backup API (a consistent copy while the app keeps writing), PostgreSQL
 * through pg_dump's custom format. Row counts are read from the same
 * consistent state the copy holds, so a restore can prove it is whole.
 */
export type Engine = 'sqlite' | 'postgres'

export class BackupToolError extends Error {}

export type TableCounts = Record<string, number>

export function currentEngine(): Engine {
  const name = db.connection().dialect.name
  if (name === 'postgres') return 'postgres'
  if (name === 'better-sqlite3' || name === 'sqlite3') return 'sqlite'
  throw new BackupToolError(`backups support SQLite and PostgreSQL, not ${name}`)
}

export function databaseFileName(engine: Engine) {
  return engine === 'sqlite' ? 'database.sqlite3' : 'database.pgdump'
}

function sqliteFile(): string {
  const connection = db.manager.get(db.primaryConnectionName)!.config.connection as {
    filename: string
  }
  return connection.filename
}

async function tableNames(client: QueryClientContract | ReturnType<typeof db.connection>) {
  const names: string[] = await client.getAllTables(
    currentEngine() === 'postgres' ? ['public'] : undefined
  )
  return names.filter((name) => !name.startsWith('sqlite_')).sort()
}

async function countRows(
  client: QueryClientContract | ReturnType<typeof db.connection>,
  tables: string[]
) {
  const counts: TableCounts = {}
  for (const table of tables) {
    const [row] = await client.from(table).count('* as total')
    counts[table] = Number(row.total)
  }
  return counts
}

/** the row count of every table of the live database */
export async function liveCounts(): Promise<TableCounts> {
  const connection = db.connection()
  return countRows(connection, await tableNames(connection))
}

/** whether the database holds anything a restore would overwrite */
export async function holdsData(): Promise<boolean> {
  const connection = db.connection()
  const tables = await tableNames(connection)
  for (const table of ['users', 'organizations']) {
    if (!tables.includes(table)) continue
    const [row] = await connection.from(table).count('* as total')
    if (Number(row.total) > 0) return true
  }
  return false
}

/**
 * Copies the database into `target` and returns the row counts of that
 * copy.
 */
export async function dumpDatabase(target: string): Promise<TableCounts> {
  return currentEngine() === 'sqlite' ? dumpSqlite(target) : dumpPostgres(target)
}

async function dumpSqlite(target: string) {
  const source = new Database(sqliteFile(), { fileMustExist: true })
  try {
    await source.backup(target)
  } finally {
    source.close()
  }
  const copy = new Database(target, { readonly: true, fileMustExist: true })
  try {
    const tables = copy
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[]
    const counts: TableCounts = {}
    for (const { name } of tables.sort((a, b) => a.name.localeCompare(b.name))) {
      const row = copy
        .prepare(`SELECT count(*) AS total FROM "${name.replace(/"/g, '""')}"`)
        .get() as {
        total: number
      }
      counts[name] = Number(row.total)
    }
    return counts
  } finally {
    copy.close()
  }
}

/**
 * pg_dump reads the snapshot a transaction of ours exported, and the
 * counts are taken inside that same transaction: both see one instant.
 */
async function dumpPostgres(target: string) {
  return db.transaction(
    async (trx) => {
      const exported = await trx.rawQuery('SELECT pg_export_snapshot() AS snapshot')
      const snapshot = exported.rows[0].snapshot as string
      const counts = await countRows(trx, await tableNames(trx))
      await runPgTool('pg_dump', ['--format=custom', `--snapshot=${snapshot}`, `--file=${target}`])
      return counts
    },
    { isolationLevel: 'repeatable read' }
  )
}

/**
 * Replaces the database with the copy in `source`. The caller has made
 * sure nothing else is using it (the app is stopped).
 */
export async function restoreDatabase(source: string) {
  if (currentEngine() === 'sqlite') {
    const file = sqliteFile()
    await db.manager.closeAll()
    for (const suffix of ['-wal', '-shm']) await rm(`${file}${suffix}`, { force: true })
    await copyFile(source, file)
    return
  }
  await db.manager.closeAll()
  await runPgTool('pg_restore', [
    '--clean',
    '--if-exists',
    '--no-owner',
    '--no-privileges',
    '--single-transaction',
    '--exit-on-error',
    `--dbname=${pgEnvironment().PGDATABASE}`,
    source,
  ])
}

/**
 * The connection of the primary database as libpq's environment
 * variables: the password never appears on a command line.
 */
function pgEnvironment(): Record<string, string> {
  const connection = db.manager.get(db.primaryConnectionName)!.config.connection as {
    host?: string
    port?: number
    user?: string
    password?: string
    database?: string
    ssl?: unknown
  }
  const env: Record<string, string> = {
    PGHOST: connection.host ?? '127.0.0.1',
    PGPORT: String(connection.port ?? 5432),
    PGUSER: connection.user ?? 'postgres',
    PGDATABASE: connection.database ?? '',
  }
  if (connection.password) env.PGPASSWORD = connection.password
  if (connection.ssl) env.PGSSLMODE = 'require'
  return env
}

function runPgTool(tool: 'pg_dump' | 'pg_restore', args: string[]) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(tool, args, {
      env: { ...process.env, ...pgEnvironment() },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        new BackupToolError(
          error.code === 'ENOENT'
            ? `${tool} is not installed: install the PostgreSQL client (Debian: postgresql-client)`
            : `${tool} could not start: ${error.message}`
        )
      )
    )
    child.on('close', (code) => {
      if (code === 0) resolve()
      else
        reject(new BackupToolError(`${tool} failed: ${stderr.trim().split('\n').at(-1) ?? code}`))
    })
  })
}

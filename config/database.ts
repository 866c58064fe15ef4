import env, { type DATABASE_ENGINES } from '#start/env'
import app from '@adonisjs/core/services/app'
import { mkdirSync } from 'node:fs'
import { dirname, isAbsolute, join } from 'node:path'
import { defineConfig } from '@adonisjs/lucid'
import { pluginMigrationPaths, pluginTableNames } from '#services/plugins/discovery'
import { sqlitePool } from '#services/sqlite_connection'

/**
 * SQLite is the zero set-up default; PostgreSQL (production target) is
 * selected with DB_CONNECTION=pg. Migrations are written once against
 * Lucid's schema builder and run on both; CI tests both on every change.
 * Index and constraint names stay short and explicit, so another engine
 * with tighter identifier limits remains possible.
 */
const migrations = {
  naturalSort: true,
  paths: ['database/migrations', ...pluginMigrationPaths()],
}

/**
 * "node ace migration:run" regenerates database/schema.ts; the rules hide
 * primary and foreign keys from serialisation. Plugins own their tables:
 * the ones their migrations create are left out, so the file holds the
 * core's tables only (a plugin's models declare their own columns).
 */
const schemaGeneration = {
  rulesPaths: ['./database/schema_rules.js'],
  excludeTables: pluginTableNames(),
}
const debug = env.get('DB_DEBUG', false)
const poolMax = env.get('DB_POOL_MAX', 10)

function sqliteFile() {
  const configured = env.get('SQLITE_PATH')
  const file = configured
    ? isAbsolute(configured)
      ? configured
      : join(app.makePath(), configured)
    : app.makePath('storage', app.inTest ? 'test.sqlite3' : 'sextant.sqlite3')
  mkdirSync(dirname(file), { recursive: true })
  return file
}

/**
 * "postgres://user:secret@host:5432/db?sslmode=require" split into the
 * fields knex expects, so DATABASE_URL and the PG_* variables end up in
 * one shape.
 */
function fromUrl(url: string) {
  const parsed = new URL(url)
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : undefined,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    ssl: ['require', 'verify-full', 'verify-ca'].includes(parsed.searchParams.get('sslmode') ?? ''),
  }
}

function pgConnection() {
  const url = env.get('DATABASE_URL')
  if (url) {
    const { ssl, ...rest } = fromUrl(url)
    return { ...rest, port: rest.port ?? 5432, ssl: ssl ? { rejectUnauthorized: false } : false }
  }
  return {
    host: env.get('PG_HOST', '127.0.0.1'),
    port: env.get('PG_PORT', 5432),
    user: env.get('PG_USER', 'postgres'),
    password: env.get('PG_PASSWORD')?.release(),
    database: env.get('PG_DB'),
    ssl: env.get('PG_SSL', false) ? { rejectUnauthorized: false } : false,
  }
}

const selected = env.get('DB_CONNECTION', 'sqlite') as (typeof DATABASE_ENGINES)[number]

const dbConfig = defineConfig({
  connection: selected,
  prettyPrintDebugQueries: debug,
  connections: {
    sqlite: {
      client: 'better-sqlite3',
      connection: { filename: selected === 'sqlite' ? sqliteFile() : ':memory:' },
      useNullAsDefault: true,
      /**
       * One connection per process, write transactions begun with
       * BEGIN IMMEDIATE, WAL, busy_timeout and the statement cache: why,
       * in app/services/sqlite_connection.ts. DB_POOL_MAX is PostgreSQL's.
       */
      pool: sqlitePool(),
      migrations,
      schemaGeneration,
      debug,
    },
    pg: {
      client: 'pg',
      connection: selected === 'pg' ? pgConnection() : {},
      pool: { min: 0, max: poolMax },
      migrations,
      schemaGeneration,
      debug,
    },
  },
})

export default dbConfig

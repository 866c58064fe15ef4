import { test } from '@japa/runner'
import { pluginMigrationPaths } from '#services/plugins/discovery'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import knex, { type Knex } from 'knex'
import db from '@adonisjs/lucid/services/db'
import { runAce, startServer, stopServer, waitForOk, projectRoot } from '#tests/helpers/processes'

/**
 * Rows in the migrations bookkeeping table, read through a connection of
 * the test's own (the servers under test are other processes).
 */
async function countMigrations(config: Knex.Config) {
  const client = knex(config)
  try {
    const [{ total }] = await client('adonis_schema').count('* as total')
    return Number(total)
  } finally {
    await client.destroy()
  }
}

/**
 * A database nobody has migrated, on the engine this run targets, and the
 * environment variables that point a child process at it.
 */
async function emptyDatabase() {
  const connection = db.connection()
  const dialect = connection.dialect.name
  const name = `sextant_boot_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`
  if (dialect === 'postgres' || dialect === 'mysql') {
    await connection.rawQuery(`CREATE DATABASE ${name}`)
    const base = new URL(
      process.env.DATABASE_URL ??
        (dialect === 'postgres'
          ? 'postgres://postgres@127.0.0.1:5432/postgres'
          : 'mysql://root@127.0.0.1:3306/test')
    )
    base.pathname = `/${name}`
    return {
      env: {
        DB_CONNECTION: dialect === 'postgres' ? 'pg' : 'mysql',
        DATABASE_URL: base.toString(),
      },
      drop: () => connection.rawQuery(`DROP DATABASE IF EXISTS ${name}`),
      countMigrations: () =>
        countMigrations({
          client: dialect === 'postgres' ? 'pg' : 'mysql2',
          connection: base.toString(),
        }),
    }
  }
  const folder = await mkdtemp(join(tmpdir(), 'sextant-boot-'))
  const file = join(folder, 'boot.sqlite3')
  return {
    env: { DB_CONNECTION: 'sqlite', SQLITE_PATH: file },
    drop: () => rm(folder, { recursive: true, force: true }),
    countMigrations: () =>
      countMigrations({
        client: 'better-sqlite3',
        connection: { filename: file },
        useNullAsDefault: true,
      }),
  }
}

const productionEnv = {
  NODE_ENV: 'production',
  APP_KEY: 'boot-test-key-not-secret-0123456789abcdef',
  SECRETS_ENCRYPTION_KEYS: 'boot-test-secrets-not-secret-0123456789abcdef',
  ADMIN_PATH: '/admin-boot-test',
  MIGRATE_ON_BOOT: 'true',
}

test.group('Boot', () => {
  test('two servers started together on an empty database: exactly one migrates, both serve', async ({
    assert,
  }) => {
    const database = await emptyDatabase()
    const env = { ...productionEnv, ...database.env }
    const servers = await Promise.all([startServer(env), startServer(env)])
    try {
      await Promise.all(
        servers.map((server) => waitForOk(`http://127.0.0.1:${server.port}/health/ready`))
      )
      const outputs = servers.map((server) => server.output())
      const migrated = outputs.filter((output) => output.includes('migrations: applied'))
      const upToDate = outputs.filter((output) =>
        output.includes('migrations: database already up to date')
      )
      assert.lengthOf(migrated, 1, outputs.join('\n----\n'))
      assert.lengthOf(upToDate, 1, outputs.join('\n----\n'))

      // The core's migrations and those of the loaded (fixture) plugins.
      const folders = ['database/migrations', ...pluginMigrationPaths()]
      let migrationFiles = 0
      for (const folder of folders) {
        const files = await readdir(join(projectRoot, folder))
        migrationFiles += files.filter((file) => file.endsWith('.ts')).length
      }
      assert.equal(await database.countMigrations(), migrationFiles)

      for (const server of servers) {
        const home = await fetch(`http://127.0.0.1:${server.port}/`)
        assert.equal(home.status, 200)
      }
    } finally {
      await Promise.all(servers.map((server) => stopServer(server)))
      await database.drop()
    }
  }).timeout(120_000)

  test('a server whose migrations fail does not start', async ({ assert }) => {
    const server = await startServer({
      ...productionEnv,
      DB_CONNECTION: 'pg',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing',
    })
    const code = await Promise.race([
      server.exited,
      new Promise((resolve) => setTimeout(() => resolve('still running'), 45_000)),
    ])
    if (code === 'still running') await stopServer(server)
    assert.equal(code, 1, server.output())
    assert.include(server.output(), 'Migrations failed')
  }).timeout(60_000)
})

test.group('Boot | configuration errors', () => {
  test('an unknown DB_CONNECTION stops with one line naming the variable', async ({ assert }) => {
    const result = await runAce(['migration:status'], { DB_CONNECTION: 'oracle' })
    assert.equal(result.code, 1)
    const lines = result.stderr.trim().split('\n')
    assert.lengthOf(lines, 1, result.stderr)
    assert.include(lines[0], 'DB_CONNECTION')
    assert.notInclude(result.stderr, '    at ')
  }).timeout(60_000)

  test('DB_CONNECTION=mysql stops with one line naming the supported engines', async ({
    assert,
  }) => {
    const result = await runAce(['migration:status'], { DB_CONNECTION: 'mysql' })
    assert.equal(result.code, 1)
    const lines = result.stderr.trim().split('\n')
    assert.lengthOf(lines, 1, result.stderr)
    assert.include(lines[0], 'DB_CONNECTION')
    assert.include(lines[0], 'sqlite')
    assert.include(lines[0], 'pg')
  }).timeout(60_000)

  test('the old AWS_STORAGE_BUCKET_NAME stands in for AWS_S3_BUCKET, with a deprecation line', async ({
    assert,
  }) => {
    const needsBucket = { AWS_S3_FORCE_UPLOAD_TO_BUCKET: 'true', AWS_S3_BUCKET: '' }
    const without = await runAce(['migration:status'], needsBucket)
    assert.equal(without.code, 1)
    assert.include(without.stderr, 'AWS_S3_BUCKET')

    const result = await runAce(['migration:status'], {
      ...needsBucket,
      AWS_STORAGE_BUCKET_NAME: 'old-bucket',
      AWS_S3_REGION_NAME: 'eu-west-3',
    })
    assert.equal(result.code, 0, result.stderr)
    assert.include(result.stderr, 'Deprecated: AWS_STORAGE_BUCKET_NAME is read as AWS_S3_BUCKET')
    assert.include(result.stderr, 'Deprecated: AWS_S3_REGION_NAME is read as AWS_REGION')
  }).timeout(60_000)

  test('production without APP_KEY stops with one line naming it', async ({ assert }) => {
    const result = await runAce(['migration:status'], { NODE_ENV: 'production', APP_KEY: '' })
    assert.equal(result.code, 1)
    const lines = result.stderr.trim().split('\n')
    assert.lengthOf(lines, 1, result.stderr)
    assert.include(lines[0], 'APP_KEY')
  }).timeout(60_000)

  test('a DATABASE_URL that is not a URL stops with one line naming it', async ({ assert }) => {
    const result = await runAce(['migration:status'], {
      DB_CONNECTION: 'pg',
      DATABASE_URL: 'not a url',
    })
    assert.equal(result.code, 1)
    assert.lengthOf(result.stderr.trim().split('\n'), 1, result.stderr)
    assert.include(result.stderr, 'DATABASE_URL')
  }).timeout(60_000)
})

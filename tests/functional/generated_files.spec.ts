import { test } from '@japa/runner'
import { readFile, rm, stat } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import ace from '@adonisjs/core/services/ace'
import string from '@adonisjs/core/helpers/string'
import db from '@adonisjs/lucid/services/db'
import { MigrationRunner } from '@adonisjs/lucid/migration'
import { pluginMigrationPaths } from '#services/plugins/discovery'
import { startServer, stopServer, waitForOk } from '#tests/helpers/processes'

/**
 * Generated files the repository commits (database/schema.ts, the route
 * types in .adonisjs/server) describe the core application: plugins own
 * their tables, and a test run (fixture plugins loaded) rewrites neither.
 */

/** the tables a fresh SQLite file holds once the given migration folders ran */
async function tablesAfterMigrating(name: string, paths: string[]) {
  const filename = app.makePath('tmp', `generated-files-${name}.sqlite3`)
  await rm(filename, { force: true })
  db.manager.add(name, {
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    migrations: { naturalSort: true, paths },
  })
  try {
    const migrator = new MigrationRunner(db, app, {
      direction: 'up',
      connectionName: name,
      disableLocks: true,
    })
    await migrator.run()
    if (migrator.error) throw migrator.error
    const tables = await db.connection(name).getAllTables()
    return tables.filter((table) => !table.startsWith('adonis_schema'))
  } finally {
    await db.manager.close(name, true)
    await rm(filename, { force: true })
  }
}

/** the tables plugin migrations create: all tables less the core's own */
async function pluginTables() {
  const core = await tablesAfterMigrating('core_only', ['database/migrations'])
  const all = await tablesAfterMigrating('with_plugins', [
    'database/migrations',
    ...pluginMigrationPaths(),
  ])
  return { core, plugin: all.filter((table) => !core.includes(table)) }
}

const schemaClass = (table: string) => `class ${string.pascalCase(string.singular(table))}Schema `

function schemaGenerationConfig() {
  return db.manager.get(db.primaryConnectionName)!.config.schemaGeneration!
}

test.group('Generated files', (group) => {
  let tables: { core: string[]; plugin: string[] }
  group.setup(async () => {
    tables = await pluginTables()
  })

  test('schema generation leaves out exactly the tables plugin migrations create', ({ assert }) => {
    assert.includeMembers(tables.plugin, ['snyk_issues', 'noa_ai_models', 'fixture_owned_vault'])
    const excluded = schemaGenerationConfig().excludeTables ?? []
    assert.includeMembers(excluded, tables.plugin)
    assert.deepEqual(
      tables.core.filter((table) => excluded.includes(table)),
      [],
      'a core table is left out of database/schema.ts'
    )
  })

  test('migration:run regenerates a schema file without plugin tables', async ({ assert }) => {
    const config = schemaGenerationConfig()
    const outputPath = app.makePath('tmp', 'generated-files-schema.ts')
    const committedPath = config.outputPath
    config.outputPath = outputPath
    try {
      const command = await ace.exec('schema:generate', ['--compact-output'])
      assert.equal(command.exitCode, 0)
    } finally {
      config.outputPath = committedPath
    }
    const generated = await readFile(outputPath, 'utf8')
    assert.include(generated, schemaClass('users'))
    for (const table of tables.plugin) assert.notInclude(generated, schemaClass(table))
  })

  test('the committed database/schema.ts holds core tables only', async ({ assert }) => {
    const committed = await readFile(app.makePath('database', 'schema.ts'), 'utf8')
    assert.include(committed, schemaClass('repositories'))
    for (const table of tables.plugin) assert.notInclude(committed, schemaClass(table))
  })
})

test.group('Generated files | route types', () => {
  test('a server started by a test writes its route types under tmp/, not .adonisjs/server', async ({
    assert,
  }) => {
    const committedPath = app.makePath('.adonisjs', 'server', 'routes.d.ts')
    const testPath = app.makePath('tmp', 'test-generated', 'server', 'routes.d.ts')
    assert.equal(app.generatedServerPath('routes.d.ts'), testPath)
    const committedBefore = (await stat(committedPath)).mtimeMs
    await rm(testPath, { force: true })

    const server = await startServer({ RUN_WORKER_IN_PROCESS: 'false' })
    try {
      await waitForOk(`http://127.0.0.1:${server.port}/health`)
    } finally {
      await stopServer(server)
    }

    assert.include(await readFile(testPath, 'utf8'), "'plugins.fixture.get._hello'")
    assert.equal((await stat(committedPath)).mtimeMs, committedBefore)
  }).timeout(90_000)

  test('the committed route types name no test fixture route', async ({ assert }) => {
    const committed = await readFile(app.makePath('.adonisjs', 'server', 'routes.d.ts'), 'utf8')
    assert.include(committed, "'health.live'")
    assert.notMatch(committed, /fixture/)
  })
})

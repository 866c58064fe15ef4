import { test } from '@japa/runner'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { DateTime } from 'luxon'
import Connection from '#models/connection'
import Organization from '#models/organization'
import type { PluginListing } from '#actions/plugins/list_plugins'
import { resetDatabase } from '#tests/helpers/database'
import {
  freePort,
  projectRoot,
  runAce,
  runNode,
  startServer,
  stopServer,
  waitForOk,
  type CommandResult,
} from '#tests/helpers/processes'

/**
 * Plugin roots live under the project's tmp/: "#plugin-sdk" resolves
 * through the project's package.json, so a plugin outside it cannot load.
 */
async function temporaryPluginsRoot() {
  const root = join(projectRoot, 'tmp', `plugins-${randomBytes(4).toString('hex')}`)
  await mkdir(root, { recursive: true })
  return root
}

async function writePlugin(root: string, id: string, source: string) {
  await mkdir(join(root, id), { recursive: true })
  await writeFile(join(root, id, 'plugin.ts'), source)
}

function manifest(id: string, version: string) {
  return [
    `import { definePlugin } from '#plugin-sdk'`,
    `export default definePlugin({ id: '${id}', name: '${id} plugin', description: 'A test plugin', category: 'other', version: '${version}' })`,
  ].join('\n')
}

/**
 * The output lines meant for a person: the app's JSON log lines (a failed
 * plugin is also logged while ace loads) are left out.
 */
function messageLines(result: CommandResult) {
  return `${result.stdout}\n${result.stderr}`
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('{'))
}

async function pluginsListJson(env: Record<string, string | undefined>) {
  const result = await runAce(['plugins:list', '--json'], env)
  const line = result.stdout.split('\n').find((candidate) => candidate.startsWith('['))
  if (result.code !== 0 || !line) {
    throw new Error(
      `plugins:list --json failed (${result.code}):\n${result.stdout}\n${result.stderr}`
    )
  }
  const plugins = JSON.parse(line) as PluginListing[]
  return (id: string) => plugins.find((plugin) => plugin.id === id)
}

test.group('Plugin developer experience | make:plugin', (group) => {
  group.each.setup(resetDatabase)

  test('a generated plugin loads from its folder with no core edit', async ({
    assert,
    cleanup,
  }) => {
    const root = await temporaryPluginsRoot()
    cleanup(() => rm(root, { recursive: true, force: true }))

    const made = await runAce(['make:plugin', 'Acme Tracker', '--dir', relative(projectRoot, root)])
    assert.equal(made.code, 0, made.stdout + made.stderr)
    for (const file of [
      'plugin.ts',
      'client.ts',
      'sync/repositories.ts',
      'webhooks.ts',
      'views/settings.edge',
      'tests/plugin.spec.ts',
      'README.md',
    ]) {
      assert.isTrue(existsSync(join(root, 'acme-tracker', file)), `${file} was not generated`)
    }

    const organization = await Organization.create({ name: 'Devx', slug: 'devx' })
    const now = DateTime.now()
    await Connection.createMany([
      {
        organizationId: organization.id,
        pluginId: 'acme-tracker',
        accountKey: 'first',
        lastError: 'repositories: 401 Bad credentials',
        lastErrorAt: now.minus({ hours: 2 }),
      },
      {
        organizationId: organization.id,
        pluginId: 'acme-tracker',
        accountKey: 'second',
        lastError: 'repositories: rate limited until 10:00',
        lastErrorAt: now,
      },
    ])

    const env = { PLUGINS_PATH: root }
    const listed = await pluginsListJson(env)
    assert.deepEqual(
      listed('acme-tracker'),
      {
        id: 'acme-tracker',
        name: 'Acme Tracker',
        version: '0.1.0',
        state: 'loaded',
        needsConfiguration: [],
        scope: 'organization',
        connections: 2,
        lastError: 'repositories: rate limited until 10:00',
      },
      JSON.stringify(listed('acme-tracker'))
    )

    const table = await runAce(['plugins:list'], env)
    assert.equal(table.code, 0, table.stderr)
    assert.match(
      table.stdout,
      /acme-tracker\s+│\s+Acme Tracker\s+│\s+0\.1\.0\s+│\s+loaded\s+│\s+organization\s+│\s+2\s+│/,
      table.stdout
    )
  }).timeout(60_000)

  test("the generated plugin's own tests pass as generated", async ({ assert, cleanup }) => {
    const id = `devx-probe-${randomBytes(3).toString('hex')}`
    const folder = join(projectRoot, 'plugins', id)
    // The "plugins" suite only globs plugins/*/tests, so the plugin is
    // generated there, and removed whatever the outcome.
    cleanup(() => rm(folder, { recursive: true, force: true }))
    const made = await runAce(['make:plugin', id, '--dir', 'plugins'])
    assert.equal(made.code, 0, made.stdout + made.stderr)

    // Its own database file and HTTP port: the runner's setup rebuilds the
    // schema and serves, neither of which may touch this run's (its mail
    // catcher and S3 pick their own ports, as this run's did).
    const database = join(projectRoot, 'tmp', `${id}.sqlite3`)
    cleanup(() => rm(database, { force: true }))
    const result = await runNode(
      [
        '--import',
        '@poppinss/ts-exec',
        'bin/test.ts',
        'plugins',
        '--files',
        `plugins/${id}/tests/plugin.spec.ts`,
      ],
      {
        DB_CONNECTION: 'sqlite',
        SQLITE_PATH: database,
        DATABASE_URL: undefined,
        // the plugins suite serves HTTP too, beside this run's server
        PORT: String(await freePort()),
      },
      120_000
    )
    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.match(result.stdout, /Tests\s+5 passed \(5\)/)
  }).timeout(150_000)

  test('refuses a name that makes no valid id, with one line and exit code 1', async ({
    assert,
    cleanup,
  }) => {
    const root = await temporaryPluginsRoot()
    cleanup(() => rm(root, { recursive: true, force: true }))
    const dir = relative(projectRoot, root)

    const invalid = await runAce(['make:plugin', '1password', '--dir', dir])
    assert.equal(invalid.code, 1)
    assert.lengthOf(messageLines(invalid), 1, invalid.stdout + invalid.stderr)
    assert.include(
      messageLines(invalid)[0],
      'make:plugin: "1password" does not make a valid plugin id'
    )
    assert.deepEqual(await readdir(root), [])

    assert.equal((await runAce(['make:plugin', 'acme', '--dir', dir])).code, 0)
    const existing = await runAce(['make:plugin', 'Acme', '--dir', dir])
    assert.equal(existing.code, 1)
    assert.lengthOf(messageLines(existing), 1, existing.stdout + existing.stderr)
    assert.include(messageLines(existing)[0], 'acme already exists')
  }).timeout(60_000)
})

test.group('Plugin developer experience | broken plugins', (group) => {
  let root: string
  group.setup(async () => {
    root = await temporaryPluginsRoot()
    await writePlugin(root, 'good-one', manifest('good-one', '1.0.0'))
    await writePlugin(root, 'bad-version', manifest('bad-version', 'one'))
    await writePlugin(
      root,
      'throws-on-import',
      "throw new Error('ACME_SECRET is missing')\nexport {}\n"
    )
    return () => rm(root, { recursive: true, force: true })
  })

  test('a plugin that throws at import is failed, and the app still serves', async ({ assert }) => {
    const server = await startServer({ PLUGINS_PATH: root })
    try {
      const health = await waitForOk(`http://127.0.0.1:${server.port}/health`)
      assert.equal(health.status, 200)
      assert.include(server.output(), 'throws-on-import')
    } finally {
      await stopServer(server)
    }

    const listed = await pluginsListJson({ PLUGINS_PATH: root })
    assert.equal(listed('good-one')?.state, 'loaded')
    assert.deepInclude(listed('throws-on-import'), {
      state: 'failed',
      lastError: 'ACME_SECRET is missing',
    })

    const table = await runAce(['plugins:list'], {
      PLUGINS_PATH: root,
      FORCE_COLOR: '1',
      NO_COLOR: undefined,
    })
    assert.equal(table.code, 0, table.stderr)
    const failedRow = table.stdout.split('\n').find((line) => line.includes('throws-on-import'))
    assert.include(failedRow, 'failed')
    assert.include(failedRow, '\u001b[31m', 'failed plugins are printed in red')
  }).timeout(90_000)

  test('an invalid manifest is reported naming the plugin and the field', async ({ assert }) => {
    const listed = await pluginsListJson({ PLUGINS_PATH: root })
    assert.equal(listed('bad-version')?.state, 'failed')
    assert.include(
      listed('bad-version')?.lastError,
      'Plugin "bad-version": version must be a semantic version'
    )
  }).timeout(60_000)

  test('PLUGINS_DISABLED lists a plugin as disabled', async ({ assert }) => {
    const listed = await pluginsListJson({ PLUGINS_PATH: root, PLUGINS_DISABLED: 'good-one' })
    assert.deepInclude(listed('good-one'), { state: 'disabled', lastError: null })
    assert.equal(listed('throws-on-import')?.state, 'failed')
  }).timeout(60_000)
})

import { test } from '@japa/runner'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import ace from '@adonisjs/core/services/ace'
import { ESLint } from 'eslint'
import { DateTime } from 'luxon'
import MakePlugin from '../../commands/make_plugin.js'
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

async function pluginsListJson(env: Record<string, string | undefined>, timeoutMs?: number) {
  const result = await runAce(['plugins:list', '--json'], env, timeoutMs)
  const line = result.stdout.split('\n').find((candidate) => candidate.startsWith('['))
  if (result.code !== 0 || !line) {
    throw new Error(
      `plugins:list --json failed (${result.code}):\n${result.stdout}\n${result.stderr}`
    )
  }
  const plugins = JSON.parse(line) as PluginListing[]
  return (id: string) => plugins.find((plugin) => plugin.id === id)
}

/**
 * How long one `node ace` child may take: it boots the app and loads every
 * plugin, which takes a few seconds alone and far longer on a loaded CI
 * machine (one took most of a minute when eight test runs shared two cores).
 */
const ACE_DEADLINE_MS = 120_000

/** Every skeleton make:plugin generates: each kind with each auth, and the one with no connection. */
const VARIANTS = [
  ...(['code', 'issues', 'security', 'marketing'] as const).flatMap((kind) =>
    (['token', 'oauth2'] as const).map((auth) => ({ id: `scaffold-${kind}-${auth}`, kind, auth }))
  ),
  { id: 'scaffold-none', kind: 'none', auth: null },
]

/**
 * The generated plugins with the declarations the application's own
 * typecheck sees (the test runner's and the framework's augmentations),
 * under the project's compiler options.
 */
function typecheckProject(root: string) {
  const up = relative(root, projectRoot)
  return {
    extends: `${up}/tsconfig.json`,
    compilerOptions: { noEmit: true, rootDir: up },
    include: [
      './**/*.ts',
      ...[
        'tests/bootstrap.ts',
        'tests/types/**/*.ts',
        'config/**/*.ts',
        'start/**/*.ts',
        'providers/**/*.ts',
        'adonisrc.ts',
        '.adonisjs/**/*.ts',
      ].map((path) => `${up}/${path}`),
    ],
    exclude: [],
  }
}

test.group('Plugin developer experience | make:plugin', (group) => {
  group.each.setup(resetDatabase)

  test('a generated plugin loads from its folder with no core edit', async ({
    assert,
    cleanup,
  }) => {
    const root = await temporaryPluginsRoot()
    cleanup(() => rm(root, { recursive: true, force: true }))

    // generated in this process (the command a developer runs); loaded below by fresh ones
    ace.ui.switchMode('raw')
    cleanup(() => ace.ui.switchMode('normal'))
    const made = await ace.create(MakePlugin, [
      'Acme Tracker',
      '--dir',
      relative(projectRoot, root),
    ])
    await made.exec()
    made.assertSucceeded()
    for (const file of [
      'plugin.ts',
      'settings.ts',
      'client.ts',
      'sync/repositories.ts',
      'sync/pull_requests.ts',
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
    const listed = await pluginsListJson(env, ACE_DEADLINE_MS)
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

    const table = await runAce(['plugins:list'], env, ACE_DEADLINE_MS)
    assert.equal(table.code, 0, table.stderr)
    assert.match(
      table.stdout,
      /acme-tracker\s+│\s+Acme Tracker\s+│\s+0\.1\.0\s+│\s+loaded\s+│\s+organization\s+│\s+2\s+│/,
      table.stdout
    )
  }).timeout(2 * ACE_DEADLINE_MS + 30_000)

  test('every --auth and --kind variant loads, lints, typechecks and passes its own tests', async ({
    assert,
    cleanup,
  }) => {
    const root = await temporaryPluginsRoot()
    cleanup(() => rm(root, { recursive: true, force: true }))
    const dir = relative(projectRoot, root)
    ace.ui.switchMode('raw')
    cleanup(() => ace.ui.switchMode('normal'))

    // Generated in this process (ace.create), so nine variants cost no child processes.
    for (const variant of VARIANTS) {
      const flags = variant.auth ? ['--auth', variant.auth] : []
      const command = await ace.create(MakePlugin, [
        variant.id,
        '--dir',
        dir,
        '--kind',
        variant.kind,
        ...flags,
      ])
      await command.exec()
      command.assertSucceeded()
    }

    // loads: the OAuth variants name the client they still need
    const listed = await pluginsListJson({ PLUGINS_EXTRA_PATHS: dir })
    for (const variant of VARIANTS) {
      const listing = listed(variant.id)
      const prefix = variant.id.toUpperCase().replaceAll('-', '_')
      if (variant.auth === 'oauth2') {
        assert.equal(listing?.state, 'needs configuration', variant.id)
        assert.sameMembers(
          listing!.needsConfiguration.map((problem) => problem.variable),
          [`${prefix}_CLIENT_ID`, `${prefix}_CLIENT_SECRET`]
        )
      } else {
        assert.equal(listing?.state, 'loaded', `${variant.id}: ${listing?.lastError}`)
      }
    }

    // lints, under the plugin boundary rule: each file as if it were in plugins/
    const eslint = new ESLint({ cwd: projectRoot })
    const problems: string[] = []
    for (const file of await readdir(root, { recursive: true })) {
      if (!file.endsWith('.ts')) continue
      const text = await readFile(join(root, file), 'utf8')
      const [result] = await eslint.lintText(text, {
        filePath: join(projectRoot, 'plugins', file),
      })
      for (const message of result.messages) {
        problems.push(`${file}:${message.line} ${message.ruleId}: ${message.message}`)
      }
    }
    assert.deepEqual(problems, [])

    // typechecks, with the application's declarations
    const project = join(root, 'tsconfig.json')
    await writeFile(project, JSON.stringify(typecheckProject(root)))
    const tsc = await runNode(['node_modules/typescript/bin/tsc', '-p', project], {}, 240_000)
    assert.equal(tsc.code, 0, tsc.stdout + tsc.stderr)

    // its own tests pass: every variant in one run of the plugins suite, on
    // its own database file and HTTP port
    const database = join(projectRoot, 'tmp', `${relative(join(projectRoot, 'tmp'), root)}.sqlite3`)
    cleanup(() => rm(database, { force: true }))
    const result = await runNode(
      [
        '--import',
        '@poppinss/ts-exec',
        'bin/test.ts',
        'plugins',
        ...VARIANTS.map((variant) => `--files=${dir}/${variant.id}/tests/plugin.spec.ts`),
      ],
      {
        PLUGINS_EXTRA_PATHS: dir,
        DB_CONNECTION: 'sqlite',
        SQLITE_PATH: database,
        DATABASE_URL: undefined,
        PORT: String(await freePort()),
      },
      180_000
    )
    assert.equal(result.code, 0, result.stdout + result.stderr)
    for (const variant of VARIANTS) {
      assert.include(result.stdout, `${dir}/${variant.id}/tests/plugin.spec.ts`, variant.id)
    }
    assert.match(result.stdout, /Tests\s+\d+ passed \(\d+\)/)
    assert.notMatch(result.stdout, /failed/)
  }).timeout(480_000)

  test('refuses an unknown --kind or --auth, and --auth for a plugin with no connection', async ({
    assert,
    cleanup,
  }) => {
    const root = await temporaryPluginsRoot()
    cleanup(() => rm(root, { recursive: true, force: true }))
    const dir = relative(projectRoot, root)
    const refusals: Array<[string[], string]> = [
      [['--kind', 'crm'], '--kind must be one of code, issues, security, marketing, none'],
      [['--auth', 'saml'], '--auth must be one of token, oauth2'],
      [['--kind', 'none', '--auth', 'token'], '--kind none makes a plugin with no connection'],
    ]
    ace.ui.switchMode('raw')
    cleanup(() => ace.ui.switchMode('normal'))
    for (const [flags, message] of refusals) {
      const command = await ace.create(MakePlugin, ['acme', '--dir', dir, ...flags])
      // the raw logger is shared by every command: this one's lines are the new ones
      const before = command.logger.getLogs().length
      await command.exec()
      assert.equal(command.exitCode, 1)
      const logs = command.logger
        .getLogs()
        .slice(before)
        .map((log) => log.message)
      assert.lengthOf(logs, 1, logs.join('\n'))
      assert.include(logs[0], message)
    }
    assert.deepEqual(await readdir(root), [])
  })

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

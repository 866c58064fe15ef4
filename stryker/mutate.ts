/**
 * "npm run mutate [module ...]": mutation testing of the modules that
 * carry guarantees (stryker/modules.ts), one module at a time, each mutant
 * checked by that module's own tests only. Slow by nature (one test
 * process per mutant), so it runs by hand, never in CI.
 *
 * Reports: tmp/mutation/<module>/index.html and mutation.json, plus
 * tmp/mutation/summary.json with the score of each module run. Every run
 * tests every mutant (see the note on incremental below).
 */
import { execFileSync } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import Database from 'better-sqlite3'
import { join, resolve } from 'node:path'
import { Stryker } from '@stryker-mutator/core'
import type { MutantResult } from '@stryker-mutator/api/core'
import { MUTATION_MODULES, type MutationModule } from './modules.js'

const root = resolve(import.meta.dirname, '..')
const reports = join(root, 'tmp', 'mutation')
const database = join(reports, 'test.sqlite3')
const template = join(reports, 'migrated.sqlite3')

/**
 * Migrating a new SQLite file costs most of a test run (the 37 migrations
 * are 6 of its 8 CPU seconds), and no mutant touches a migration: the
 * schema is built once into a template, and each mutant run starts from
 * a copy of it (prepareTestDatabase keeps a schema it is told is fresh,
 * see TEST_SQLITE_MIGRATED in tests/helpers/database.ts).
 */
function buildTemplate() {
  execFileSync(
    process.execPath,
    [
      '--import=@poppinss/ts-exec',
      'bin/console.ts',
      'migration:run',
      '--force',
      // database/schema.ts is the project's: not rewritten from a scratch file
      '--no-schema-generate',
    ],
    { cwd: root, env: { ...process.env, SQLITE_PATH: template }, stdio: 'inherit' }
  )
  // one self-contained file: the write-ahead log folded in and switched off
  const file = new Database(template)
  file.pragma('wal_checkpoint(TRUNCATE)')
  file.pragma('journal_mode = DELETE')
  file.close()
}

/**
 * The shell command that runs a module's tests against the current mutant:
 * a fresh copy of the template (with no write-ahead log or migration lock
 * left by a run that timed out), then the Japa runner.
 */
function testCommand(module: MutationModule) {
  const files = module.files.map((file) => `--files=${file}`).join(' ')
  const leftovers = [`${database}-wal`, `${database}-shm`, `${database}.migrate.lock`]
  return [
    `rm -f ${leftovers.map((path) => JSON.stringify(path)).join(' ')}`,
    `&& cp ${JSON.stringify(template)} ${JSON.stringify(database)}`,
    '&& TEST_SQLITE_MIGRATED=1 node --import=@poppinss/ts-exec bin/test.ts',
    ...module.suites,
    files,
    ...(module.filters ?? []).map((filter) => JSON.stringify(filter)),
  ].join(' ')
}

/** A port nothing listens on now, for the test HTTP server of the mutant runs. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.on('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => done(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export function score(results: MutantResult[]) {
  const detected = results.filter((r) => r.status === 'Killed' || r.status === 'Timeout').length
  // Counted as detected, as Stryker does (a mutant that hangs the tests is
  // caught), but reported apart: on a loaded machine a slow run can look like one.
  const timedOut = results.filter((r) => r.status === 'Timeout').length
  const undetected = results.filter((r) => r.status === 'Survived' || r.status === 'NoCoverage')
  const valid = detected + undetected.length
  return {
    mutants: results.length,
    detected,
    timedOut,
    survived: undetected.length,
    errors: results.filter((r) => r.status === 'RuntimeError' || r.status === 'CompileError')
      .length,
    score: valid === 0 ? null : Math.round((detected / valid) * 1000) / 10,
    survivors: undetected.map((r) => ({
      file: r.fileName.replace(`${root}/`, ''),
      line: r.location.start.line,
      mutator: r.mutatorName,
      replacement: r.replacement,
    })),
  }
}

async function mutateModule(module: MutationModule) {
  const out = join(reports, module.name)
  await mkdir(out, { recursive: true })
  const stryker = new Stryker({
    testRunner: 'command',
    commandRunner: { command: testCommand(module) },
    mutate: module.mutate,
    coverageAnalysis: 'off',
    concurrency: 1,
    // Beyond the dry run's own time: a mutant that loops forever (a
    // shuffle that never ends) costs this much, so unit modules keep it short.
    timeoutMS: module.suites.every((suite) => suite === 'unit') ? 30_000 : 90_000,
    reporters: ['clear-text', 'html', 'json', 'progress'],
    htmlReporter: { fileName: join(out, 'index.html') },
    jsonReporter: { fileName: join(out, 'mutation.json') },
    // Not incremental: the command runner sees one opaque test run, so
    // Stryker cannot tell that a test file changed and would reuse stale
    // results for mutants whose code did not change.
    incremental: false,
    tempDirName: join('tmp', 'stryker'),
    ignorePatterns: ['tmp', 'build', 'storage/*', '!storage/.gitkeep', 'tests/browser/screenshots'],
    disableTypeChecks: false,
    cleanTempDir: true,
  })
  const results = await stryker.runMutationTest()
  return score(results)
}

/** the module with only the parts named by --only (each must be one of its files) */
function narrowed(module: MutationModule, only: string[]): MutationModule {
  if (only.length === 0) return module
  const outside = only.filter((part) => !module.mutate.includes(part.replace(/:[\d-]+$/, '')))
  if (outside.length > 0) {
    console.error(
      `--only ${outside.join(', ')}: not a file of ${module.name} (${module.mutate.join(', ')})`
    )
    process.exit(1)
  }
  return { ...module, name: `${module.name}--${only.map(partName).join('+')}`, mutate: only }
}

/** "app/actions/auth/verify_second_factor.ts:40-60" → "verify_second_factor-40-60" */
function partName(part: string) {
  const [file, lines] = part.split(':')
  const base = file.split('/').pop()!.replace(/\.ts$/, '')
  return lines ? `${base}-${lines}` : base
}

async function main() {
  // "--only=app/x.ts" or "--only=app/x.ts:40-60" (Stryker's line ranges)
  // mutates that part of the module only: to check a fix, or to measure a
  // large module a file at a time. Its score is kept under its own name.
  const only = process.argv
    .slice(2)
    .filter((arg) => arg.startsWith('--only='))
    .map((arg) => arg.slice('--only='.length))
  const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('--only='))
  const unknown = wanted.filter((name) => !MUTATION_MODULES.some((m) => m.name === name))
  if (unknown.length > 0) {
    console.error(
      `Unknown module ${unknown.join(', ')}; known: ${MUTATION_MODULES.map((m) => m.name).join(', ')}`
    )
    process.exit(1)
  }
  // in the order asked for, so the quick ones can go first
  const modules = (
    wanted.length
      ? wanted.map((name) => MUTATION_MODULES.find((m) => m.name === name)!)
      : MUTATION_MODULES
  ).map((module) => narrowed(module, only))

  // Each mutant run is a whole test process: its database and HTTP port
  // must not collide with a test run going on in the same checkout.
  process.env.NODE_ENV = 'test'
  process.env.SQLITE_PATH = database
  process.env.PORT = String(await freePort())
  process.env.LOG_LEVEL = 'silent'
  await mkdir(reports, { recursive: true })
  // A run stopped part-way leaves its migration lock file; start clean.
  for (const leftover of ['test.sqlite3', 'test.sqlite3.migrate.lock', 'migrated.sqlite3']) {
    await rm(join(reports, leftover), { force: true })
  }
  buildTemplate()

  const summaryFile = join(reports, 'summary.json')
  const summary: Record<string, unknown> = JSON.parse(
    await readFile(summaryFile, 'utf8').catch(() => '{}')
  )
  for (const module of modules) {
    const result = await mutateModule(module)
    summary[module.name] = { ...result, measuredAt: new Date().toISOString() }
    await writeFile(summaryFile, JSON.stringify(summary, null, 2))
    console.log(
      `${module.name}: ${result.score ?? '-'}% (${result.detected} of ${result.detected + result.survived} detected)`
    )
  }
}

await main()

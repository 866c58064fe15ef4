import { test } from '@japa/runner'
import ace from '@adonisjs/core/services/ace'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Document from '#models/document'
import UploadDocuments from '#actions/documents/upload_documents'
import { CLI_META } from '#services/audit'
import { sqlTime } from '#services/sql'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { SAMPLES } from '#tests/helpers/documents'
import { runAce } from '#tests/helpers/processes'

async function deletedAMinuteAgo(title: string) {
  const account = await createAccount()
  const folder = await mkdtemp(join(tmpdir(), 'sextant-upload-'))
  const tmpPath = join(folder, 'upload')
  await writeFile(tmpPath, SAMPLES.pdf(title))
  const [document] = await new UploadDocuments().execute({
    organization: account.organization,
    actor: account.user,
    files: [{ tmpPath, clientName: `${title}.pdf`, size: SAMPLES.pdf(title).length }],
    title,
    category: 'report',
    meta: CLI_META,
  })
  document.merge({ deletedAt: DateTime.now().minus({ minutes: 1 }) })
  await document.save()
  return document
}

/** an operator's refusal: one line of text, no stack frame */
function assertOneLine(assert: { isTrue(value: boolean, message?: string): void }, text: string) {
  const lines = text.trim().split('\n').filter(Boolean)
  assert.isTrue(lines.length === 1, `expected one line, got:\n${text}`)
  assert.isTrue(!/\bat .*:\d+:\d+/.test(text), `a stack frame leaked:\n${text}`)
}

test.group('Ace command arguments', (group) => {
  group.each.setup(resetDatabase())
  group.setup(() => {
    ace.ui.switchMode('raw')
    return () => ace.ui.switchMode('normal')
  })
  group.each.setup(() => ace.ui.logger.flushLogs())

  test('documents:purge --days=1e308 exits 1 and a document deleted a minute ago survives', async ({
    assert,
  }) => {
    const document = await deletedAMinuteAgo('recent')
    const command = await ace.exec('documents:purge', ['--days=1e308'])
    assert.equal(command.exitCode, 1)
    assert.include(command.logger.getLogs()[0].message, '--days must be a whole number from 0')
    assert.isNotNull(await Document.find(document.id))
  })

  test('the same run from a shell says so in one line, without a stack', async ({ assert }) => {
    const document = await deletedAMinuteAgo('recent')
    const result = await runAce(['documents:purge', '--days=1e308'])
    assert.equal(result.code, 1)
    assertOneLine(assert, result.stdout + result.stderr)
    assert.isNotNull(await Document.find(document.id))
  }).timeout(60_000)

  test('DOCUMENTS_RETENTION_DAYS=1e308 stops the command before it purges anything', async ({
    assert,
  }) => {
    const document = await deletedAMinuteAgo('recent')
    const result = await runAce(['documents:purge'], { DOCUMENTS_RETENTION_DAYS: '1e308' })
    assert.equal(result.code, 1)
    assert.include(result.stdout + result.stderr, 'DOCUMENTS_RETENTION_DAYS must be a whole number')
    assert.isNotNull(await Document.find(document.id))
  }).timeout(60_000)

  test('sqlTime refuses an invalid date instead of writing "Invalid DateTime"', async ({
    assert,
  }) => {
    assert.throws(
      () => sqlTime(DateTime.now().minus({ days: 1e308 })),
      /Refusing to query with an invalid date/
    )
    assert.match(sqlTime(DateTime.fromISO('2026-01-02T03:04:05')), /^2026-01-02[ T]03:04:05/)
  })

  test('calculate:scores refuses days that are not on the calendar and stores nothing', async ({
    assert,
  }) => {
    await createAccount()
    for (const day of ['2026-02-30', '0000-00-00', '2026-13-01']) {
      ace.ui.logger.flushLogs()
      const command = await ace.exec('calculate:scores', [`--day=${day}`])
      assert.equal(command.exitCode, 1, day)
      assert.include(command.logger.getLogs()[0].message, 'is not a calendar day')
    }
    const [{ total }] = await db.from('score_points').count('* as total')
    assert.equal(Number(total), 0)
  })

  test('calculate:scores --rollup=abc is refused', async ({ assert }) => {
    const result = await runAce(['calculate:scores', '--rollup=abc'])
    assert.equal(result.code, 1)
    assert.include(result.stdout + result.stderr, '--rollup takes no value (got "abc")')
    assertOneLine(assert, result.stdout + result.stderr)
  }).timeout(60_000)

  test('sync:status --provider=nope names the installed providers and exits 1', async ({
    assert,
  }) => {
    const command = await ace.exec('sync:status', ['--provider=nope'])
    assert.equal(command.exitCode, 1)
    const message = command.logger.getLogs()[0].message
    assert.include(message, '--provider "nope" is unknown; use one of:')
    assert.include(message, 'github')
  })

  test('fetch:data github --task=nope names the tasks and exits 1', async ({ assert }) => {
    const command = await ace.exec('fetch:data', ['github', '--task=nope'])
    assert.equal(command.exitCode, 1)
    const message = command.logger.getLogs()[0].message
    assert.include(message, '--task "nope" is unknown; use one of:')
    assert.include(message, 'pull_requests')
  })

  test('a benchmark refused is one line and exit 1', async ({ assert }) => {
    const result = await runAce(['bench:webhooks', '--deliveries=0'])
    assert.equal(result.code, 1)
    assertOneLine(assert, result.stdout + result.stderr)
    assert.include(result.stdout + result.stderr, '--deliveries must be a whole number from 1')
    const refused = await runAce(['bench:sync'])
    assert.equal(refused.code, 1)
    assertOneLine(assert, refused.stdout + refused.stderr)
  }).timeout(120_000)
})

/** the commands in commands/ and plugins' commands/ folders */
async function projectCommandNames() {
  const root = new URL('../../', import.meta.url)
  const folders = [
    'commands',
    ...(await readdir(new URL('plugins', root))).map((plugin) => `plugins/${plugin}/commands`),
  ]
  const names: string[] = []
  for (const folder of folders) {
    const files = await readdir(new URL(folder, root)).catch(() => [] as string[])
    for (const file of files.filter((name) => name.endsWith('.ts'))) {
      const { default: command } = await import(new URL(`${folder}/${file}`, root).href)
      if (typeof command?.commandName === 'string') names.push(command.commandName)
    }
  }
  return names
}

test.group('Ace commands: --help and bad arguments, walking the command list', () => {
  test('every command of the project and its plugins shows its help and exits 0', async ({
    assert,
  }) => {
    // The framework's own commands (make:*, migration:*, …) are not ours to
    // fix; each of ours runs in its own process, as an operator would.
    const commands = await projectCommandNames()
    assert.isAbove(commands.length, 25)
    const failures: string[] = []
    for (let index = 0; index < commands.length; index += 4) {
      const batch = commands.slice(index, index + 4)
      const results = await Promise.all(batch.map((name) => runAce([name, '--help'])))
      results.forEach((result, at) => {
        if (result.code !== 0) failures.push(`${batch[at]}: exit ${result.code} ${result.stderr}`)
        else if (!result.stdout.includes(batch[at])) failures.push(`${batch[at]}: no help shown`)
      })
    }
    assert.deepEqual(failures, [])
  }).timeout(600_000)

  test('an unknown flag value of the wrong type is one line and a non-zero exit', async ({
    assert,
  }) => {
    for (const args of [
      ['documents:purge', '--days=abc'],
      ['documents:verify', '--grace=-1'],
      ['db:backup', '--keep=1e9'],
      ['import:geographies'],
    ]) {
      const result = await runAce(args)
      assert.notEqual(result.code, 0, args.join(' '))
      assertOneLine(assert, result.stdout + result.stderr)
    }
  }).timeout(300_000)
})

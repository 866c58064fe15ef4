import { test } from '@japa/runner'
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { snapshotDirectory } from '#services/domain/repository_snapshots'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#plugin-sdk/testing'
import { createOrganization } from '#tests/helpers/factories'
import { runAce } from '#tests/helpers/processes'
import type { FakeGitHub } from './fake_github/server.js'
import { connectInstallation, startGitHub } from './testbed.js'

test.group('GitHub repository snapshots', (group) => {
  let github: FakeGitHub
  let installation = 9000
  let snapshots: string
  group.setup(async () => {
    github = await startGitHub()
    snapshots = mkdtempSync(join(tmpdir(), 'sextant-snapshots-'))
    const restoreEnv = withEnv({ SNAPSHOTS_PATH: snapshots })
    return async () => {
      restoreEnv()
      rmSync(snapshots, { recursive: true, force: true })
      await github.stop()
    }
  })
  group.each.setup(resetDatabase())

  async function installed(files: Record<string, string>) {
    const id = ++installation
    github.addInstallation({ id, account: { login: `space${id}`, type: 'Organization' } })
    const repository = github.addRepository(id, { name: 'launchpad', files })
    const organization = await createOrganization()
    const connection = await connectInstallation(organization, id)
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
    const row = await db
      .from('repositories')
      .where('external_id', String(repository.id))
      .firstOrFail()
    return {
      organization,
      connection,
      repository,
      folder: snapshotDirectory(organization.id, row.id),
    }
  }

  test('the default branch is downloaded as a tarball, unpacked, and its commit recorded', async ({
    assert,
  }) => {
    const { connection, repository, folder } = await installed({
      'README.md': '# Launchpad\n',
      'src/engine.ts': 'export const thrust = 9000\n',
    })
    const [outcome] = await new RunSync().execute({
      connection,
      tasks: ['snapshots'],
      trigger: 'cli',
    })
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
    assert.equal(
      readFileSync(join(folder, 'src/engine.ts'), 'utf8'),
      'export const thrust = 9000\n'
    )
    const head = repository.commits[repository.commits.length - 1].sha
    const row = await db
      .from('repositories')
      .where('external_id', String(repository.id))
      .firstOrFail()
    assert.equal(row.last_commit_sha, head)
    assert.equal(row.snapshot_files, 2)
  })

  test('an unchanged branch head is not downloaded again; a new commit replaces the snapshot', async ({
    assert,
  }) => {
    const { connection, repository } = await installed({ 'a.txt': 'a' })
    await new RunSync().execute({ connection, tasks: ['snapshots'], trigger: 'cli' })
    github.resetRequests()
    await new RunSync().execute({ connection, tasks: ['snapshots'], trigger: 'cli' })
    assert.lengthOf(
      github.requests.filter((request) => request.path.includes('/tarball/')),
      0
    )

    const sha = github.addCommit(repository.fullName, { message: 'Refuel' })
    await new RunSync().execute({ connection, tasks: ['snapshots'], trigger: 'cli' })
    const row = await db
      .from('repositories')
      .where('external_id', String(repository.id))
      .firstOrFail()
    assert.equal(row.last_commit_sha, sha)
  })

  test('a tarball with ../evil and a symlink out of the tree writes nothing outside the repository folder', async ({
    assert,
  }) => {
    const { connection, repository, folder } = await installed({ 'ok.txt': 'fine' })
    const outside = mkdtempSync(join(tmpdir(), 'sextant-outside-'))
    const prefix = github.tarballPrefix(repository.fullName)
    github.setTarballEntries(repository.fullName, [
      { name: prefix, type: 'directory' },
      { name: `${prefix}ok.txt`, type: 'file', content: 'fine' },
      { name: `${prefix}../evil`, type: 'file', content: 'escaped' },
      { name: '../evil', type: 'file', content: 'escaped' },
      { name: `${prefix}link`, type: 'symlink', linkname: outside },
      { name: `${prefix}link/passwd`, type: 'file', content: 'escaped' },
      { name: `${prefix}hard`, type: 'link', linkname: '/etc/passwd' },
    ])
    try {
      const [outcome] = await new RunSync().execute({
        connection,
        tasks: ['snapshots'],
        trigger: 'cli',
      })
      assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
      assert.equal(readFileSync(join(folder, 'ok.txt'), 'utf8'), 'fine')
      assert.deepEqual(readdirSync(outside), [])
      assert.isFalse(existsSync(join(dirname(folder), 'evil')))
      assert.isFalse(existsSync(join(snapshots, 'evil')))
      assert.isFalse(existsSync(join(dirname(snapshots), 'evil')))
      for (const entry of readdirSync(folder, { recursive: true }) as string[]) {
        assert.isFalse(lstatSync(join(folder, entry)).isSymbolicLink(), `${entry} is a link`)
      }
    } finally {
      rmSync(outside, { recursive: true, force: true })
    }
  })

  test('node ace download:repositories downloads for one organisation and reports it', async ({
    assert,
  }) => {
    const { organization, repository, folder } = await installed({ 'main.go': 'package main\n' })
    const result = await runAce(['download:repositories', `--org=${organization.publicId}`], {
      SNAPSHOTS_PATH: snapshots,
    })
    assert.equal(result.code, 0, result.stderr + result.stdout)
    assert.include(result.stdout, '1 snapshot(s)')
    assert.equal(readFileSync(join(folder, 'main.go'), 'utf8'), 'package main\n')
    const row = await db
      .from('repositories')
      .where('external_id', String(repository.id))
      .firstOrFail()
    assert.isNotNull(row.snapshot_at)
  }).timeout(90_000)

  test('download:repositories names an unknown provider in a one-line error and exits non-zero', async ({
    assert,
  }) => {
    const result = await runAce(['download:repositories', '--provider=gitlab'])
    assert.equal(result.code, 1)
    assert.include(
      result.stderr + result.stdout,
      '"gitlab" is not a loaded plugin that downloads repositories'
    )
  }).timeout(60_000)
})

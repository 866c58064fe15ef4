import { test } from '@japa/runner'
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import type Connection from '#models/connection'
import RunSync from '#actions/sync/run_sync'
import { snapshotDirectory } from '#services/domain/repository_snapshots'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#plugin-sdk/testing'
import { createOrganization } from '#tests/helpers/factories'
import { seedWorkspace } from './fake_bitbucket/seed.js'
import { startFakeBitbucket, type FakeBitbucket } from './fake_bitbucket/server.js'
import { tarball, tarballFolder, type TarEntry } from './fake_bitbucket/tarballs.js'
import { oauthConnection } from './testbed.js'

/** main-branch snapshots from Bitbucket's `/get/{sha}.tar.gz`, unpacked safely */
test.group('Bitbucket | snapshots', (group) => {
  let bitbucket: FakeBitbucket
  let snapshots: string
  group.setup(async () => {
    bitbucket = await startFakeBitbucket()
    snapshots = mkdtempSync(join(tmpdir(), 'sextant-bb-snapshots-'))
    const restoreEnv = withEnv({ SNAPSHOTS_PATH: snapshots })
    return async () => {
      restoreEnv()
      rmSync(snapshots, { recursive: true, force: true })
      await bitbucket.stop()
    }
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    bitbucket.state.workspaces = []
    bitbucket.state.repositories.clear()
    bitbucket.resetRequests()
  })

  /** a connected workspace with one repository whose head's tarball holds `entries` */
  async function withTarball(entries: (prefix: string) => TarEntry[]) {
    seedWorkspace(bitbucket.state, 'acme', 1, 0)
    const repository = bitbucket.state.repositories.get('acme/repo-00')!
    const head = repository.commits[0].hash
    const prefix = tarballFolder('acme', 'repo-00', head)
    repository.tarballs.set(head, await tarball(entries(prefix)))
    const organization = await createOrganization()
    const connection = await oauthConnection(bitbucket, organization)
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
    const row = await db.from('repositories').where('external_id', repository.uuid).firstOrFail()
    return { connection, head, row, folder: snapshotDirectory(organization.id, row.id) }
  }

  async function snapshot(connection: Connection) {
    const [outcome] = await new RunSync().execute({
      connection,
      tasks: ['snapshots'],
      trigger: 'cli',
    })
    if (outcome.status !== 'succeeded') throw new Error(outcome.error ?? outcome.status)
  }

  test('the main branch head is downloaded, unpacked without its top folder, and recorded', async ({
    assert,
  }) => {
    const { connection, head, row, folder } = await withTarball((prefix) => [
      { name: prefix, type: 'directory' },
      { name: `${prefix}README.md`, type: 'file', content: '# repo-00' },
      { name: `${prefix}src/index.ts`, type: 'file', content: 'export {}' },
    ])
    await snapshot(connection)
    assert.equal(readFileSync(join(folder, 'README.md'), 'utf8'), '# repo-00')
    assert.equal(readFileSync(join(folder, 'src/index.ts'), 'utf8'), 'export {}')
    const after = await db.from('repositories').where('id', row.id).firstOrFail()
    assert.equal(after.last_commit_sha, head)
    assert.isTrue(
      bitbucket.state.requests.some((r) => r.path === `/acme/repo-00/get/${head}.tar.gz`)
    )

    // an unmoved head is not downloaded again
    bitbucket.resetRequests()
    await snapshot(connection)
    assert.isFalse(bitbucket.state.requests.some((r) => r.path.endsWith('.tar.gz')))
  })

  test('a tarball with ../evil and a link out of the tree writes nothing outside the folder', async ({
    assert,
  }) => {
    const outside = mkdtempSync(join(tmpdir(), 'sextant-bb-outside-'))
    try {
      const { connection, folder } = await withTarball((prefix) => [
        { name: prefix, type: 'directory' },
        { name: `${prefix}ok.txt`, type: 'file', content: 'fine' },
        { name: `${prefix}../evil`, type: 'file', content: 'escaped' },
        { name: '../evil', type: 'file', content: 'escaped' },
        { name: `${prefix}link`, type: 'symlink', linkname: outside },
        { name: `${prefix}link/passwd`, type: 'file', content: 'escaped' },
        { name: `${prefix}hard`, type: 'link', linkname: '/etc/passwd' },
      ])
      await snapshot(connection)
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
})

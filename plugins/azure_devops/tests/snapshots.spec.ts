import { test } from '@japa/runner'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { snapshotDirectory } from '#services/domain/repository_snapshots'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#plugin-sdk/testing'
import { createOrganization } from '#tests/helpers/factories'
import { zipOf } from '#tests/helpers/zip_archives'
import type { FakeAzure } from './fake_azure/server.js'
import { connectAzure, startAzure } from './testbed.js'

test.group('Azure DevOps | repository snapshots (zip)', (group) => {
  let azure: FakeAzure
  let snapshots: string
  group.setup(async () => {
    azure = await startAzure()
    snapshots = mkdtempSync(join(tmpdir(), 'sextant-azure-snapshots-'))
    const restoreEnv = withEnv({ SNAPSHOTS_PATH: snapshots })
    return async () => {
      restoreEnv()
      rmSync(snapshots, { recursive: true, force: true })
      await azure.close()
    }
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => azure.reset())

  async function withSnapshot(zip: Buffer, sha = 'd'.repeat(40)) {
    const [repository] = azure.seed(1, 0)
    azure.state.snapshots.set(repository.id, { sha, zip })
    const organization = await createOrganization()
    const connection = await connectAzure(organization, azure)
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
    const row = await db.from('repositories').where('external_id', repository.id).firstOrFail()
    return { connection, repository, folder: snapshotDirectory(organization.id, row.id) }
  }

  test('the default branch head is downloaded as a zip from the items API and unpacked', async ({
    assert,
  }) => {
    const zip = await zipOf([
      { name: 'README.md', data: '# Rockets\n' },
      { name: 'src/', directory: true },
      { name: 'src/engine.ts', data: 'export const thrust = 9000\n' },
    ])
    const { connection, repository, folder } = await withSnapshot(zip)
    const [run] = await new RunSync().execute({ connection, tasks: ['snapshots'], trigger: 'cli' })
    assert.equal(run.status, 'succeeded', run.error ?? '')
    assert.equal(
      readFileSync(join(folder, 'src/engine.ts'), 'utf8'),
      'export const thrust = 9000\n'
    )
    const row = await db.from('repositories').where('external_id', repository.id).firstOrFail()
    assert.equal(row.last_commit_sha, 'd'.repeat(40))

    // the head has not moved: one request, nothing downloaded
    azure.requests.length = 0
    await new RunSync().execute({ connection, tasks: ['snapshots'], trigger: 'cli' })
    assert.deepEqual(
      azure.requests.map((request) => request.path.split('/').at(-1)),
      ['branches']
    )
  })

  test('entries named ..\\evil or with an absolute path write nothing outside the repository folder', async ({
    assert,
  }) => {
    const zip = await zipOf(
      [
        { name: 'README.md', data: 'kept\n' },
        { name: 'xxxxxxx', data: 'escaped\n' },
        { name: 'yyyyyyyyyyy', data: 'escaped\n' },
      ],
      { xxxxxxx: '..\\evil', yyyyyyyyyyy: '/tmp/evil12' }
    )
    const { connection, folder } = await withSnapshot(zip)
    const [run] = await new RunSync().execute({ connection, tasks: ['snapshots'], trigger: 'cli' })
    assert.equal(run.status, 'succeeded', run.error ?? '')
    assert.equal(readFileSync(join(folder, 'README.md'), 'utf8'), 'kept\n')
    assert.deepEqual(readdirSync(folder), ['README.md'])
    assert.isFalse(existsSync(join(dirname(folder), 'evil')))
    assert.isFalse(existsSync('/tmp/evil12'))
    assert.notInclude(readdirSync(dirname(folder)).join(','), 'evil')
  })
})

import { test } from '@japa/runner'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import UploadDocuments from '#actions/documents/upload_documents'
import { CLI_META } from '#services/audit'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'
import { createConnection } from '#tests/helpers/connections'
import { SAMPLES, emptyDisk, storedKeys, useDisk } from '#tests/helpers/documents'
import { runAce } from '#tests/helpers/processes'
import {
  seedRepositories,
  startFakeProvider,
  type FakeProvider,
} from '#tests/helpers/fake_provider'

/** an organisation with a synced connection and one stored document */
async function organizationWithData(title: string) {
  const account = await createAccount({ role: 'owner' })
  const connection = await createConnection(account.organization)
  await new RunSync().execute({ connection, trigger: 'cli' })
  const folder = await mkdtemp(join(tmpdir(), 'sextant-upload-'))
  await writeFile(join(folder, 'upload'), SAMPLES.pdf(title))
  await new UploadDocuments().execute({
    organization: account.organization,
    actor: account.user,
    files: [
      {
        tmpPath: join(folder, 'upload'),
        clientName: `${title}.pdf`,
        size: SAMPLES.pdf(title).length,
      },
    ],
    title,
    category: 'report',
    meta: CLI_META,
  })
  return account
}

async function rowsOf(account: TestAccount) {
  const id = account.organization.id
  const count = async (table: string) => {
    const [{ total }] = await db.from(table).where('organization_id', id).count('* as total')
    return Number(total)
  }
  return {
    repositories: await count('repositories'),
    issues: await count('issues'),
    connections: await count('connections'),
    documents: await count('documents'),
    memberships: await count('memberships'),
  }
}

test.group('delete:organization-data | the old delete_organization_data', (group) => {
  let provider: FakeProvider
  group.setup(async () => {
    provider = await startFakeProvider()
    return () => provider.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(async () => {
    useDisk('fs')
    await emptyDisk('fs')
    provider.state.repositories = seedRepositories(2, 3)
    provider.reset()
  })

  test('--dry-run lists what would go, per table, and deletes nothing', async ({ assert }) => {
    const account = await organizationWithData('Policy')
    const before = await rowsOf(account)
    const result = await runAce([
      'delete_organization_data',
      String(account.organization.id),
      '--dry-run',
    ])
    assert.equal(result.code, 0, result.stderr)
    assert.include(result.stdout, 'repositories: 2 rows')
    assert.include(result.stdout, 'issues: 6 rows')
    assert.include(result.stdout, 'connections to disconnect: 1')
    assert.deepEqual(await rowsOf(account), before)
  }).timeout(90_000)

  test('without --force a script is refused in one line and nothing is deleted', async ({
    assert,
  }) => {
    const account = await organizationWithData('Policy')
    const before = await rowsOf(account)
    const result = await runAce(['delete:organization-data', account.organization.publicId])
    assert.equal(result.code, 1)
    assert.include(result.stderr, '--force')
    assert.deepEqual(await rowsOf(account), before)
  }).timeout(90_000)

  test('with --force its data goes, the organisation and its members stay, others are untouched', async ({
    assert,
  }) => {
    const doomed = await organizationWithData('Doomed')
    const other = await organizationWithData('Other')
    const otherBefore = await rowsOf(other)
    const keysBefore = await storedKeys('fs')
    assert.lengthOf(keysBefore, 2)

    const result = await runAce([
      'delete_organization_data',
      String(doomed.organization.id),
      '--force',
    ])
    assert.equal(result.code, 0, result.stderr + result.stdout)
    assert.deepEqual(await rowsOf(doomed), {
      repositories: 0,
      issues: 0,
      connections: 0,
      documents: 0,
      memberships: 1,
    })
    assert.exists(await db.from('organizations').where('id', doomed.organization.id).first())
    assert.exists(await db.from('users').where('id', doomed.user.id).first())
    assert.deepEqual(await rowsOf(other), otherBefore)
    assert.lengthOf(await storedKeys('fs'), 1, 'only the other organisation’s file is left')

    const audit = await db
      .from('audit_events')
      .where('event', 'organization.data_deleted')
      .where('organization_id', doomed.organization.id)
      .firstOrFail()
    assert.equal(JSON.parse(audit.metadata).tables.issues, 6)

    const again = await runAce([
      'delete_organization_data',
      String(doomed.organization.id),
      '--force',
    ])
    assert.equal(again.code, 0, again.stderr)
  }).timeout(120_000)

  test('an organisation that does not exist is one line, exit 1', async ({ assert }) => {
    const result = await runAce(['delete_organization_data', '999999', '--force'])
    assert.equal(result.code, 1)
    assert.lengthOf(result.stderr.trim().split('\n'), 1, result.stderr)
  }).timeout(60_000)
})

import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'
import { runAce } from '#tests/helpers/processes'
import {
  seedRepositories,
  startFakeProvider,
  type FakeProvider,
} from '#tests/helpers/fake_provider'

async function syncRunsOf(connectionId: number) {
  return db.from('sync_runs').where('connection_id', connectionId).select('task', 'trigger')
}

/**
 * The old system's crontab lines, run verbatim through "node ace": they
 * do what the new names do.
 */
test.group('Old command lines | the crontab runs unchanged', (group) => {
  let provider: FakeProvider
  group.setup(async () => {
    provider = await startFakeProvider()
    return () => provider.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    provider.state.repositories = seedRepositories(2, 3)
    provider.reset()
  })

  test('fetch_data <Provider> --orgid <number> syncs that organisation only', async ({
    assert,
  }) => {
    const mine = await createOrganization()
    const other = await createOrganization()
    const connection = await createConnection(mine)
    const untouched = await createConnection(other)

    const result = await runAce(['fetch_data', 'Fixture', '--orgid', String(mine.id)])
    assert.equal(result.code, 0, result.stderr + result.stdout)
    assert.isAbove((await syncRunsOf(connection.id)).length, 0)
    assert.lengthOf(await syncRunsOf(untouched.id), 0)
  }).timeout(90_000)

  test('--orgid also takes the public id, and one that names nobody is one line, exit 1', async ({
    assert,
  }) => {
    const mine = await createOrganization()
    const connection = await createConnection(mine)
    const byPublicId = await runAce(['fetch_data', 'fixture', '--orgid', mine.publicId])
    assert.equal(byPublicId.code, 0, byPublicId.stderr)
    assert.isAbove((await syncRunsOf(connection.id)).length, 0)

    const nobody = await runAce(['download_repositories', '--orgid', '999999'])
    assert.equal(nobody.code, 1)
    assert.lengthOf(nobody.stderr.trim().split('\n'), 1, nobody.stderr)
    assert.include(nobody.stderr, 'no organisation "999999"')
  }).timeout(90_000)

  test('a provider whose plugin is not installed is named with the installed ones, exit 1', async ({
    assert,
  }) => {
    const result = await runAce(['fetch_data', 'GitLab'])
    assert.equal(result.code, 1)
    const output = (result.stderr + result.stdout).trim()
    assert.lengthOf(output.split('\n'), 1, output)
    assert.include(output, 'no plugin "GitLab"')
    assert.include(output, 'github')
  }).timeout(60_000)

  test('download_repositories --orgid <number> takes that organisation’s snapshots', async ({
    assert,
  }) => {
    const mine = await createOrganization()
    const connection = await createConnection(mine)
    const result = await runAce(['download_repositories', '--orgid', String(mine.id)])
    assert.equal(result.code, 0, result.stderr + result.stdout)
    const runs = await syncRunsOf(connection.id)
    assert.isTrue(
      runs.some((run) => run.task === 'snapshots'),
      JSON.stringify(runs)
    )
  }).timeout(90_000)

  test('calculate_scores runs as calculate:scores does', async ({ assert }) => {
    await createOrganization()
    const result = await runAce(['calculate_scores'])
    assert.equal(result.code, 0, result.stderr + result.stdout)
  }).timeout(60_000)
})

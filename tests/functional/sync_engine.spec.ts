import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#tests/helpers/env'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'
import { spawn } from 'node:child_process'
import { projectRoot, runAce } from '#tests/helpers/processes'
import {
  seedRepositories,
  startFakeProvider,
  type FakeProvider,
} from '#tests/helpers/fake_provider'

/**
 * The sync engine against the fake provider API: 30 repositories of 250
 * items, pages of 100, ETags, rate limits and injected faults.
 */
const REPOSITORIES = 30
const ITEMS = 250
/** one page of repositories, then three pages (100, 100, 50) per repository */
const MINIMUM_FULL_REQUESTS = 1 + REPOSITORIES * Math.ceil(ITEMS / 100)

async function itemsDigest() {
  const rows = await db.from('issues').orderBy('external_id').select('external_id', 'title')
  return rows.map((row) => `${row.external_id}=${row.title}`)
}

async function sync(connection: Awaited<ReturnType<typeof createConnection>>, full = false) {
  const [outcome] = await new RunSync().execute({ connection, trigger: 'cli', full })
  return outcome
}

test.group('Sync engine', (group) => {
  let provider: FakeProvider

  group.setup(async () => {
    provider = await startFakeProvider()
    return () => provider.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    provider.state.repositories = seedRepositories(REPOSITORIES, ITEMS)
    provider.reset()
  })

  test('a first sync makes exactly the minimum number of list requests', async ({ assert }) => {
    const connection = await createConnection(await createOrganization())
    const outcome = await sync(connection)

    assert.equal(outcome.status, 'succeeded')
    assert.equal(provider.listRequests().length, MINIMUM_FULL_REQUESTS)
    assert.equal(outcome.requests, MINIMUM_FULL_REQUESTS)
    assert.equal(outcome.itemsWritten, REPOSITORIES + REPOSITORIES * ITEMS)
    const [{ total }] = await db.from('issues').count('* as total')
    assert.equal(Number(total), REPOSITORIES * ITEMS)
  })

  test('an unchanged re-sync gets only 304s and writes nothing', async ({ assert }) => {
    const connection = await createConnection(await createOrganization())
    await sync(connection)
    const before = await db.from('issues').max('updated_at as latest').first()
    provider.reset()

    const outcome = await sync(connection)

    const requests = provider.listRequests()
    assert.isAbove(requests.length, 0)
    assert.isTrue(requests.every((request) => request.status === 304))
    assert.equal(outcome.notModified, requests.length)
    assert.equal(outcome.itemsWritten, 0)
    const after = await db.from('issues').max('updated_at as latest').first()
    assert.deepEqual(after, before)
  })

  test('a changed item is picked up by the next incremental sync', async ({ assert }) => {
    const connection = await createConnection(await createOrganization())
    await sync(connection)
    provider.touchItem(7, 123, 'Renamed upstream')

    const outcome = await sync(connection)

    assert.equal(outcome.itemsWritten, 1)
    const row = await db.from('issues').where('external_id', 'r7-i123').first()
    assert.equal(row.title, 'Renamed upstream')
  })

  test('a full sync re-reads everything and leaves the next sync incremental', async ({
    assert,
  }) => {
    const connection = await createConnection(await createOrganization())
    await sync(connection)
    provider.reset()

    const full = await sync(connection, true)
    assert.equal(full.requests, MINIMUM_FULL_REQUESTS)
    assert.equal(full.notModified, 0)

    provider.reset()
    const next = await sync(connection)
    assert.equal(next.itemsWritten, 0)
    assert.isTrue(provider.listRequests().every((request) => request.status === 304))
  })

  test('a 429 with Retry-After: 2 is waited out', async ({ assert }) => {
    const connection = await createConnection(await createOrganization())
    provider.state.faults.rateLimitOnce = 2
    const startedAt = Date.now()

    const outcome = await sync(connection)

    assert.equal(outcome.status, 'succeeded')
    assert.isAtLeast(Date.now() - startedAt, 2000)
    assert.equal(provider.state.requests.filter((request) => request.status === 429).length, 1)
    const [{ total }] = await db.from('issues').count('* as total')
    assert.equal(Number(total), REPOSITORIES * ITEMS)
  }).timeout(60_000)

  test('10% injected 5xx and a timeout still end in the same rows as a clean run', async ({
    assert,
  }) => {
    const clean = await createConnection(await createOrganization())
    await sync(clean)
    const expected = await itemsDigest()
    await db.from('issues').delete()
    await db.from('repositories').delete()
    await db.from('sync_cursors').delete()
    await db.from('http_cache').delete()

    provider.state.faults = {
      errorRate: 0.1,
      hang: { pathIncludes: '/repos/repo-03/items', times: 1, ms: 2500 },
    }
    const restoreEnv = withEnv({ HTTP_TIMEOUT_MS: '1000' })
    try {
      const outcome = await sync(clean)
      assert.equal(outcome.status, 'succeeded')
    } finally {
      restoreEnv()
    }
    assert.isAbove(provider.state.requests.filter((request) => request.status === 503).length, 5)
    assert.deepEqual(await itemsDigest(), expected)
  }).timeout(60_000)

  test('a sync killed mid-run and re-run leaves no duplicate and no gap', async ({ assert }) => {
    const organization = await createOrganization()
    await createConnection(organization)
    // The killed run's lock lapses after this, letting the re-run start.
    const env = { FIXTURE_API_URL: provider.url, SYNC_LOCK_TTL_MS: '1500' }

    provider.state.faults.latencyMs = 40
    const killed = spawn(process.execPath, ['ace.js', 'fetch:data', 'fixture'], {
      cwd: projectRoot,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    })
    const exited = new Promise((resolve) => killed.on('exit', resolve))
    // Kill it part-way through the repositories, as a crash or an OOM would.
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline) {
      const [{ total }] = await db.from('issues').count('* as total')
      if (Number(total) >= 1500) break
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    killed.kill('SIGKILL')
    await exited
    provider.state.faults.latencyMs = 0
    const [{ total: partial }] = await db.from('issues').count('* as total')
    assert.isBelow(Number(partial), REPOSITORIES * ITEMS)

    await new Promise((resolve) => setTimeout(resolve, 1600))
    const rerun = await runAce(['fetch:data', 'fixture'], env)
    assert.equal(rerun.code, 0, rerun.stderr + rerun.stdout)

    const [{ total }] = await db.from('issues').count('* as total')
    const [{ distinct }] = await db.from('issues').countDistinct('external_id as distinct')
    assert.equal(Number(total), REPOSITORIES * ITEMS)
    assert.equal(Number(distinct), REPOSITORIES * ITEMS)
    const runs = await db.from('sync_runs').orderBy('id').select('status')
    assert.deepEqual(
      runs.map((run) => run.status),
      ['abandoned', 'succeeded']
    )
  }).timeout(120_000)
})

import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync, { SyncAlreadyRunningError } from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#tests/helpers/env'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'
import { createHash } from 'node:crypto'
import lock from '@adonisjs/lock/services/main'
import { runAce, startAce } from '#tests/helpers/processes'
import { waitFor } from '#tests/helpers/wait'
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

/**
 * What a sync leaves behind, in a form two runs can be compared by: every
 * repository and issue with the columns the sync writes, and the cursors
 * the next run starts from (a gap would show as a cursor past rows that
 * were never written). Timestamps the database stamps itself are left out.
 */
async function domainDigest() {
  const repositories = await db
    .from('repositories')
    .orderBy('external_id')
    .select('external_id', 'name', 'full_name', 'remote_updated_at')
  const issues = await db
    .from('issues')
    .leftJoin('repositories', 'repositories.id', 'issues.repository_id')
    .orderBy('issues.external_id')
    .select(
      'issues.external_id',
      'repositories.external_id as repository',
      'issues.key',
      'issues.title',
      'issues.status',
      'issues.status_category',
      'issues.opened_at',
      'issues.remote_updated_at'
    )
  const cursors = await db
    .from('sync_cursors')
    .orderBy(['task', 'scope'])
    .select('task', 'scope', 'value')
  const text = JSON.stringify({ repositories, issues, cursors })
  return {
    repositories: repositories.length,
    issues: issues.length,
    cursors: cursors.length,
    sha256: createHash('sha256').update(text).digest('hex'),
  }
}

/** empties what a sync wrote, as before a first sync */
async function forgetSync() {
  for (const table of ['issues', 'repositories', 'sync_cursors', 'http_cache', 'sync_runs']) {
    await db.from(table).delete()
  }
}

function syncLockFree(connectionId: number) {
  return lock
    .createLock(`sync:${connectionId}`)
    .isLocked()
    .then((locked) => !locked)
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
    const expected = await domainDigest()
    assert.equal(expected.issues, REPOSITORIES * ITEMS)
    await forgetSync()

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
    assert.deepEqual(await domainDigest(), expected)
  }).timeout(60_000)

  test('a sync killed mid-run and re-run leaves the same rows and cursors as a clean run', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const connection = await createConnection(organization)
    await sync(connection)
    const clean = await domainDigest()
    assert.equal(clean.issues, REPOSITORIES * ITEMS)
    await forgetSync()

    // The killed run's lock lapses after this, letting the re-run start.
    const env = { SYNC_LOCK_TTL_MS: '1500' }
    provider.state.faults.latencyMs = 40
    const killed = startAce(['fetch:data', 'fixture'], env)
    // Kill it part-way through the repositories, as a crash or an OOM would:
    // 1,600 items is six repositories and the first page of the seventh, so
    // it dies inside a scope, with two of that scope's pages unread.
    await waitFor(
      async () => {
        const [{ total }] = await db.from('issues').count('* as total')
        return Number(total) >= 1600
      },
      // the process boots first: slow on a loaded machine
      { timeoutMs: 90_000, intervalMs: 25, what: 'the sync to be part-way through' }
    )
    await killed.kill()
    provider.state.faults.latencyMs = 0
    const partial = await domainDigest()
    assert.isBelow(partial.issues, REPOSITORIES * ITEMS)

    await waitFor(() => syncLockFree(connection.id), {
      timeoutMs: 10_000,
      what: "the killed run's lock to lapse",
    })
    const rerun = await runAce(['fetch:data', 'fixture'], env)
    assert.equal(rerun.code, 0, rerun.stderr + rerun.stdout)

    assert.deepEqual(await domainDigest(), clean, 'the same rows and cursors as a clean run')
    const runs = await db.from('sync_runs').orderBy('id').select('status')
    assert.deepEqual(
      runs.map((run) => run.status),
      ['abandoned', 'succeeded']
    )
  }).timeout(240_000)

  test('a second sync of a connection while one runs is refused, and nothing of it is recorded', async ({
    assert,
  }) => {
    const connection = await createConnection(await createOrganization())
    // Slow enough (a second a request) to outlast another process booting
    // on a loaded machine; sped up once it has had its go.
    provider.state.faults.latencyMs = 1000
    const first = sync(connection)
    await waitFor(async () => (await db.from('sync_runs').first())?.status === 'running', {
      timeoutMs: 10_000,
      what: 'the first sync to start',
    })

    await assert.rejects(() => sync(connection), SyncAlreadyRunningError)
    const cli = await runAce(['fetch:data', 'fixture'])
    assert.include(cli.stdout, 'skipped', 'the command leaves it alone too')
    assert.include(cli.stdout, 'is already running')

    provider.state.faults.latencyMs = 0
    assert.equal((await first).status, 'succeeded')
    const runs = await db.from('sync_runs').select('status')
    assert.deepEqual(
      runs.map((run) => run.status),
      ['succeeded'],
      'only the first run recorded'
    )
    const [{ total }] = await db.from('issues').count('* as total')
    assert.equal(Number(total), REPOSITORIES * ITEMS)
  }).timeout(180_000)

  test('a run longer than its lock lifetime keeps the lock: a second run is still refused', async ({
    assert,
  }) => {
    const connection = await createConnection(await createOrganization())
    const ttlMs = 1000
    provider.state.faults.latencyMs = 50
    const long = startAce(['fetch:data', 'fixture'], { SYNC_LOCK_TTL_MS: String(ttlMs) })
    try {
      await waitFor(async () => (await db.from('sync_runs').first())?.status === 'running', {
        timeoutMs: 90_000,
        what: 'the long sync to start',
      })
      const startedAt = Date.now()
      // Three lifetimes later, without renewal the lock would have lapsed.
      await waitFor(() => Date.now() - startedAt > 3 * ttlMs, { timeoutMs: 10_000 })
      const run = await db.from('sync_runs').firstOrFail()
      assert.equal(run.status, 'running', 'the long run is still going')
      assert.isFalse(await syncLockFree(connection.id), 'its lock is still held')
      await assert.rejects(() => sync(connection), SyncAlreadyRunningError)
    } finally {
      provider.state.faults.latencyMs = 0
      await long.stop()
    }
  }).timeout(180_000)
})

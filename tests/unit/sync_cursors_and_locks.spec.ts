import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import logger from '@adonisjs/core/services/logger'
import { DatabaseSyncCursors } from '#services/sync/cursors'
import { acquireKeptAlive } from '#services/kept_alive_lock'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'
import { db, resetDatabase } from '#tests/helpers/database'

/**
 * The two pieces that make a sync incremental and single: the cursors a
 * run leaves for the next one, and the lock that keeps a second run of
 * the same connection out while one is alive. Exercised directly on the
 * real database and lock store (tests/functional/sync_engine.spec.ts
 * shows the same through whole sync runs).
 */
test.group('Sync cursors', (group) => {
  group.each.setup(resetDatabase())

  async function twoConnections() {
    const organization = await createOrganization()
    const first = await createConnection(organization, { accountKey: 'first' })
    const second = await createConnection(organization, { accountKey: 'second' })
    return { first: first.id, second: second.id }
  }

  test('a cursor set by one run is read back by the next incremental run', async ({ assert }) => {
    const { first } = await twoConnections()
    await new DatabaseSyncCursors(first, 'issues', false).set('repo:a', 'etag-1')

    assert.equal(await new DatabaseSyncCursors(first, 'issues', false).get('repo:a'), 'etag-1')
  })

  test('a scope never set has no cursor', async ({ assert }) => {
    const { first } = await twoConnections()
    await new DatabaseSyncCursors(first, 'issues', false).set('repo:a', 'etag-1')

    assert.isNull(await new DatabaseSyncCursors(first, 'issues', false).get('repo:b'))
  })

  test('a full run reads no cursor, but writes them for the run after it', async ({ assert }) => {
    const { first } = await twoConnections()
    await new DatabaseSyncCursors(first, 'issues', false).set('repo:a', 'etag-1')

    const full = new DatabaseSyncCursors(first, 'issues', true)
    assert.isNull(await full.get('repo:a'))
    await full.set('repo:a', 'etag-2')

    assert.equal(await new DatabaseSyncCursors(first, 'issues', false).get('repo:a'), 'etag-2')
  })

  test('setting a cursor again replaces it: one row, the latest value and time', async ({
    assert,
  }) => {
    const { first } = await twoConnections()
    const cursors = new DatabaseSyncCursors(first, 'issues', false)
    await cursors.set('repo:a', 'etag-1')
    await db.from('sync_cursors').update({ updated_at: '2000-01-01 00:00:00' })
    await cursors.set('repo:a', 'etag-2')

    const rows = await db.from('sync_cursors').select('value', 'updated_at')
    assert.lengthOf(rows, 1)
    assert.equal(rows[0].value, 'etag-2')
    assert.isAbove(new Date(rows[0].updated_at).getFullYear(), 2000)
    assert.equal(await cursors.get('repo:a'), 'etag-2')
  })

  test('cursors are kept apart by connection, task and scope', async ({ assert }) => {
    const { first, second } = await twoConnections()
    await new DatabaseSyncCursors(first, 'issues', false).set('repo:a', 'first-issues-a')
    await new DatabaseSyncCursors(first, 'issues', false).set('repo:b', 'first-issues-b')
    await new DatabaseSyncCursors(first, 'pulls', false).set('repo:a', 'first-pulls-a')
    await new DatabaseSyncCursors(second, 'issues', false).set('repo:a', 'second-issues-a')

    assert.equal(
      await new DatabaseSyncCursors(first, 'issues', false).get('repo:a'),
      'first-issues-a'
    )
    assert.equal(
      await new DatabaseSyncCursors(first, 'issues', false).get('repo:b'),
      'first-issues-b'
    )
    assert.equal(
      await new DatabaseSyncCursors(first, 'pulls', false).get('repo:a'),
      'first-pulls-a'
    )
    assert.equal(
      await new DatabaseSyncCursors(second, 'issues', false).get('repo:a'),
      'second-issues-a'
    )
    assert.equal(Number((await db.from('sync_cursors').count('* as n').first()).n), 4)
  })

  test('a scope longer than the column keeps its first 255 characters', async ({ assert }) => {
    const { first } = await twoConnections()
    const long = `repo:${'x'.repeat(300)}`
    await new DatabaseSyncCursors(first, 'issues', false).set(long, 'etag-long')

    const row = await db.from('sync_cursors').select('scope').firstOrFail()
    assert.equal(row.scope, long.slice(0, 255))
    assert.equal(
      await new DatabaseSyncCursors(first, 'issues', false).get(long.slice(0, 255)),
      'etag-long'
    )
  })
})

/** the warnings logged until the returned function is called (which restores the logger) */
function recordWarnings() {
  const logged: unknown[][] = []
  const warn = logger.warn
  logger.warn = ((...args: unknown[]) => {
    logged.push(args)
  }) as typeof logger.warn
  return {
    logged,
    restore: () => {
      logger.warn = warn
    },
  }
}

test.group('Kept-alive lock', (group) => {
  group.each.setup(resetDatabase())

  test('a held key is refused to a second taker, and free again once released', async ({
    assert,
  }) => {
    const first = await acquireKeptAlive('sync:unit-1', 10_000)
    assert.isNotNull(first)
    assert.isNull(await acquireKeptAlive('sync:unit-1', 10_000))

    await first!.release()
    const second = await acquireKeptAlive('sync:unit-1', 10_000)
    assert.isNotNull(second)
    await second!.release()
  })

  test('other keys are not held by it', async ({ assert }) => {
    const first = await acquireKeptAlive('sync:unit-1', 10_000)
    const other = await acquireKeptAlive('sync:unit-2', 10_000)
    assert.isNotNull(other)
    await other!.release()
    await first!.release()
  })

  test('a live holder keeps the lock past its lifetime: it is renewed', async ({ assert }) => {
    const held = await acquireKeptAlive('sync:unit-renewed', 600)
    assert.isNotNull(held)
    await sleep(1_800)

    assert.isNull(await acquireKeptAlive('sync:unit-renewed', 600))
    await held!.release()
  })

  test('a renewal that fails (the lock was taken over) is logged, naming the lock', async ({
    assert,
    cleanup,
  }) => {
    const warnings = recordWarnings()
    cleanup(warnings.restore)
    const held = await acquireKeptAlive('sync:unit-taken', 600)
    assert.isNotNull(held)
    // another process took it over: the next renewal finds the lock not ours
    await db.from('locks').where('key', 'sync:unit-taken').update({ owner: 'someone else' })
    await sleep(700)
    await held!.release()

    const renewals = warnings.logged.filter(
      ([, message]) => message === 'a held lock could not be renewed'
    )
    assert.isNotEmpty(renewals)
    assert.equal((renewals[0][0] as { lock: string }).lock, 'sync:unit-taken')
    assert.exists((renewals[0][0] as { err?: unknown }).err)
  })

  test('once released, the lock is no longer renewed', async ({ assert, cleanup }) => {
    const warnings = recordWarnings()
    cleanup(warnings.restore)
    const held = await acquireKeptAlive('sync:unit-released', 600)
    await held!.release()
    await sleep(700)

    // a renewal after the release would find no lock of ours, and say so
    assert.isEmpty(warnings.logged)
  })
})

import { test } from '@japa/runner'
import { hostname } from 'node:os'
import lock from '@adonisjs/lock/services/main'
import db from '@adonisjs/lucid/services/db'
import RunSchedule, { scheduleLockKey, SKIPPED_OUTPUT } from '#actions/schedules/run_schedule'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#tests/helpers/env'
import { tickLog } from '#tests/helpers/schedulers'
import { waitFor } from '#tests/helpers/wait'

/**
 * RunSchedule itself, on the real database and lock store: the claim of a
 * (schedule, tick), the lock that skips an overlapping run, and what a run
 * records. The race of two scheduler processes over the same ticks is in
 * tests/functional/scheduler.spec.ts (a minute of processes); these are
 * what "npm run mutate -- schedule-claims" runs against each mutant.
 */
async function runsOf(schedule: string) {
  return db.from('schedule_runs').where('schedule', schedule).orderBy('id')
}

test.group('Schedule runs', (group) => {
  group.each.setup(resetDatabase())

  test('a tick claimed by another scheduler is not run again', async ({ assert, cleanup }) => {
    const log = await tickLog()
    cleanup(log.dispose)
    cleanup(withEnv({ SCHEDULE_TEST_TICK: '* * * * *', ...log.env }))
    const tick = '2030-01-01T00:00Z'
    const claimed = await new RunSchedule().execute({
      name: 'test:tick',
      trigger: 'schedule',
      tick,
    })
    const again = await new RunSchedule().execute({ name: 'test:tick', trigger: 'schedule', tick })
    assert.equal(claimed?.status, 'succeeded')
    assert.isNull(again)
    assert.lengthOf(await runsOf('test:tick'), 1)
    assert.deepEqual(await log.executions(), [{ tick, pid: process.pid }], 'executed once')
  })

  test('an unknown schedule is refused, naming the command that lists them', async ({ assert }) => {
    const refusal = await new RunSchedule()
      .execute({ name: 'nope', trigger: 'manual' })
      .catch((error) => error)
    assert.equal(
      refusal.message,
      'No schedule is named "nope" ("node ace schedules:list" shows them)'
    )
    assert.equal(refusal.status, 404)
    assert.equal(refusal.code, 'E_UNKNOWN_SCHEDULE')
    assert.lengthOf(await runsOf('nope'), 0)
  })

  test('manual runs get a tick of their own, never a cron slot, and record their host', async ({
    assert,
  }) => {
    const first = await new RunSchedule().execute({ name: 'sync-runs:prune', trigger: 'manual' })
    const second = await new RunSchedule().execute({ name: 'sync-runs:prune', trigger: 'manual' })
    assert.equal(first?.status, 'succeeded')
    assert.equal(second?.status, 'succeeded')
    const runs = await runsOf('sync-runs:prune')
    assert.lengthOf(runs, 2)
    for (const run of runs) {
      assert.match(run.tick, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z~[0-9a-f]{6}$/)
      assert.equal(run.host, `${hostname()}:${process.pid}`)
      assert.equal(run.output, '0 sync runs deleted')
      assert.isNull(run.error)
      assert.isNotNull(run.finished_at)
      assert.equal(
        Number(run.duration_ms),
        runs.indexOf(run) === 0 ? first!.durationMs : second!.durationMs
      )
    }
    assert.notEqual(runs[0].tick, runs[1].tick)
    assert.deepEqual(
      [first!.id, second!.id],
      runs.map((run) => run.id)
    )
  })

  test('a run whose previous run is still going is recorded as skipped', async ({
    assert,
    cleanup,
  }) => {
    cleanup(withEnv({ SCHEDULE_TEST_SLOW: '0 0 1 1 *' }))
    const slow = new RunSchedule().execute({
      name: 'test:slow',
      trigger: 'schedule',
      tick: '2030-01-01T00:00Z',
    })
    await waitFor(() => lock.createLock(scheduleLockKey('test:slow')).isLocked(), {
      timeoutMs: 10_000,
      what: 'the first run to hold the lock',
    })
    const overlapping = await new RunSchedule().execute({
      name: 'test:slow',
      trigger: 'schedule',
      tick: '2030-01-01T00:01Z',
    })
    const finished = await slow

    assert.equal(overlapping?.status, 'skipped')
    assert.equal(overlapping?.output, 'previous run still in progress')
    assert.equal(SKIPPED_OUTPUT, 'previous run still in progress')
    assert.isNull(overlapping?.error)
    assert.equal(finished?.status, 'succeeded')
    const runs = await runsOf('test:slow')
    assert.deepEqual(
      runs.map((run) => [run.tick, run.status]),
      [
        ['2030-01-01T00:00Z', 'succeeded'],
        ['2030-01-01T00:01Z', 'skipped'],
      ]
    )
    assert.isAtLeast(Number(runs[0].duration_ms), 900)

    // The lock was released: the next tick runs.
    const next = await new RunSchedule().execute({
      name: 'test:slow',
      trigger: 'schedule',
      tick: '2030-01-01T00:02Z',
    })
    assert.equal(next?.status, 'succeeded')
  }).timeout(30_000)

  test('a run is handed the signal it was given: stopped, a slow run ends at once', async ({
    assert,
    cleanup,
  }) => {
    cleanup(withEnv({ SCHEDULE_TEST_SLOW: '0 0 1 1 *' }))
    const stop = new AbortController()
    stop.abort()

    const outcome = await new RunSchedule().execute({
      name: 'test:slow',
      trigger: 'manual',
      signal: stop.signal,
    })

    assert.equal(outcome?.status, 'succeeded')
    // test:slow sleeps a second unless its signal stops it
    assert.isBelow(outcome!.durationMs, 1000)
  })

  test('a failing schedule is recorded with its error message', async ({ assert }) => {
    // sync_runs cannot be pruned once the table is gone: a real failure.
    await db.rawQuery('ALTER TABLE sync_runs RENAME TO sync_runs_aside')
    try {
      const outcome = await new RunSchedule().execute({
        name: 'sync-runs:prune',
        trigger: 'manual',
      })
      assert.equal(outcome?.status, 'failed')
      assert.match(outcome?.error ?? '', /sync_runs/)
      assert.isNull(outcome?.output)
    } finally {
      await db.rawQuery('ALTER TABLE sync_runs_aside RENAME TO sync_runs')
    }
    const [run] = await runsOf('sync-runs:prune')
    assert.equal(run.status, 'failed')
    assert.equal(run.trigger, 'manual')
  })

  test('a run is recorded as running while it runs', async ({ assert, cleanup }) => {
    cleanup(withEnv({ SCHEDULE_TEST_SLOW: '0 0 1 1 *' }))
    const slow = new RunSchedule().execute({ name: 'test:slow', trigger: 'manual' })
    await waitFor(() => lock.createLock(scheduleLockKey('test:slow')).isLocked(), {
      timeoutMs: 10_000,
      what: 'the run to hold its lock',
    })

    const [running] = await runsOf('test:slow')
    assert.equal(running.status, 'running')
    assert.isNull(running.finished_at)
    await slow
  }).timeout(30_000)

  test('each schedule has a lock of its own: a slow run holds up only its own schedule', async ({
    assert,
    cleanup,
  }) => {
    cleanup(withEnv({ SCHEDULE_TEST_SLOW: '0 0 1 1 *', SCHEDULE_TEST_TICK: '0 0 1 1 *' }))
    const slow = new RunSchedule().execute({ name: 'test:slow', trigger: 'manual' })
    await waitFor(() => lock.createLock(scheduleLockKey('test:slow')).isLocked(), {
      timeoutMs: 10_000,
      what: 'the slow run to hold its lock',
    })

    const other = await new RunSchedule().execute({ name: 'test:tick', trigger: 'manual' })

    assert.equal(other?.status, 'succeeded')
    assert.equal(scheduleLockKey('test:slow'), 'schedule:test:slow')
    await slow
  }).timeout(30_000)

  test('a long output is kept to its first 4,000 characters', async ({ assert, cleanup }) => {
    const output = 'x'.repeat(3999) + 'yz'
    cleanup(withEnv({ SCHEDULE_TEST_TICK: '0 0 1 1 *', SCHEDULE_TEST_TICK_OUTPUT: output }))

    const outcome = await new RunSchedule().execute({ name: 'test:tick', trigger: 'manual' })

    assert.equal(outcome?.output, output.slice(0, 4000))
    const [run] = await runsOf('test:tick')
    assert.equal(run.output, 'x'.repeat(3999) + 'y')
  })

  test('a schedule whose job returns nothing succeeds with no output', async ({
    assert,
    cleanup,
  }) => {
    cleanup(withEnv({ SCHEDULE_TEST_TICK: '0 0 1 1 *', SCHEDULE_TEST_TICK_SILENT: '1' }))

    const outcome = await new RunSchedule().execute({ name: 'test:tick', trigger: 'manual' })

    assert.equal(outcome?.status, 'succeeded')
    assert.isNull(outcome?.output)
    const [run] = await runsOf('test:tick')
    assert.equal(run.status, 'succeeded')
    assert.isNull(run.output)
    assert.isNull(run.error)
  })

  test('a long error keeps its first 1,000 characters; an error without a message says so', async ({
    assert,
    cleanup,
  }) => {
    const restore = withEnv({
      SCHEDULE_TEST_TICK: '0 0 1 1 *',
      SCHEDULE_TEST_TICK_THROWS: 'e'.repeat(1200),
    })
    cleanup(restore)
    const long = await new RunSchedule().execute({ name: 'test:tick', trigger: 'manual' })
    restore()
    cleanup(withEnv({ SCHEDULE_TEST_TICK: '0 0 1 1 *', SCHEDULE_TEST_TICK_THROWS: '' }))
    const silent = await new RunSchedule().execute({ name: 'test:tick', trigger: 'manual' })

    assert.equal(long?.status, 'failed')
    assert.equal(long?.error, 'e'.repeat(1000))
    assert.equal(silent?.status, 'failed')
    assert.equal(silent?.error, 'failed without a message')
    assert.deepEqual(
      (await runsOf('test:tick')).map((run) => run.error),
      ['e'.repeat(1000), 'failed without a message']
    )
  })

  test('a run whose lock cannot be taken (the lock store is down) is recorded as failed', async ({
    assert,
    cleanup,
  }) => {
    cleanup(withEnv({ SCHEDULE_TEST_TICK: '0 0 1 1 *' }))
    await db.rawQuery('ALTER TABLE locks RENAME TO locks_aside')
    let outcome
    try {
      outcome = await new RunSchedule().execute({ name: 'test:tick', trigger: 'manual' })
    } finally {
      await db.rawQuery('ALTER TABLE locks_aside RENAME TO locks')
    }

    assert.equal(outcome?.status, 'failed')
    assert.match(outcome?.error ?? '', /locks/)
    const [run] = await runsOf('test:tick')
    assert.equal(run.status, 'failed')
  })
})

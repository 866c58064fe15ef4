import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { scheduleLockKey, SKIPPED_OUTPUT } from '#actions/schedules/run_schedule'
import { resetDatabase } from '#tests/helpers/database'
import { runAce } from '#tests/helpers/processes'
import { raceOutcome, raceSchedulers, tickLog } from '#tests/helpers/schedulers'
import { APP_KEY_PREFIX, claimRedisDatabase, type RedisTestDatabase } from '#tests/helpers/redis'

/**
 * "node ace schedule:run test:tick" with LOCK_STORE=redis: the schedule's
 * lock ("schedule:test:tick") is taken in Redis, so a holder in another
 * process (another instance) keeps it from running.
 */
test.group('Redis | locks (LOCK_STORE=redis)', (group) => {
  let redis: RedisTestDatabase

  group.setup(async () => {
    redis = await claimRedisDatabase()
    return () => redis.release()
  })
  group.each.setup(resetDatabase)

  function runTick() {
    return runAce(['schedule:run', 'test:tick'], {
      REDIS_URL: redis.url,
      LOCK_STORE: 'redis',
      SCHEDULE_TEST_TICK: '0 0 1 1 *',
    })
  }

  test('a schedule whose lock another instance holds in Redis is skipped, then runs once it is free', async ({
    assert,
  }) => {
    // Held the way @verrou/core's Redis store holds a lock: key = owner, with an expiry.
    const lockKey = `${APP_KEY_PREFIX}${scheduleLockKey('test:tick')}`
    await redis.client.set(lockKey, 'another-instance', 'PX', 60_000, 'NX')

    const blocked = await runTick()
    assert.equal(blocked.code, 1, blocked.stdout + blocked.stderr)
    assert.include(blocked.stdout + blocked.stderr, `test:tick was skipped: ${SKIPPED_OUTPUT}`)
    assert.equal(await redis.client.get(lockKey), 'another-instance', 'the holder keeps its lock')

    await redis.client.del(lockKey)
    const free = await runTick()
    assert.equal(free.code, 0, free.stdout + free.stderr)
    assert.isNull(await redis.client.get(lockKey), 'the run released its lock')

    const runs = await db.from('schedule_runs').where('schedule', 'test:tick').orderBy('id')
    assert.deepEqual(
      runs.map((run) => [run.status, run.output]),
      [
        ['skipped', SKIPPED_OUTPUT],
        ['succeeded', 'ok'],
      ]
    )
  }).timeout(60_000)

  test('two schedulers on Redis locks execute each tick exactly once, both win ticks, and leave no lock behind', async ({
    assert,
    cleanup,
  }) => {
    const log = await tickLog()
    cleanup(log.dispose)
    const { schedulers, exitCodes } = await raceSchedulers({
      count: 2,
      ticks: 6,
      env: { REDIS_URL: redis.url, LOCK_STORE: 'redis', ...log.env },
    })
    assert.deepEqual(exitCodes, [0, 0], schedulers.map((s) => s.output()).join('\n'))

    const outcome = await raceOutcome(log)
    assert.isAtLeast(outcome.runs.length, 6)
    assert.deepEqual(outcome.executedTicks, outcome.recordedTicks, 'each tick executed once')
    assert.isEmpty(outcome.strayExecutions, 'only the scheduler that claimed a tick runs it')
    assert.deepEqual(outcome.winners, schedulers.map((s) => s.pid).sort(), 'both won ticks')
    for (const run of outcome.runs) assert.equal(run.status, 'succeeded', run.error)
    for (const scheduler of schedulers) {
      assert.notInclude(scheduler.output(), 'could not run schedule')
    }
    assert.isEmpty(await redis.appKeys('schedule:*'), 'every lock was released')
  }).timeout(180_000)
})

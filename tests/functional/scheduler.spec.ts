import { test } from '@japa/runner'
import lock from '@adonisjs/lock/services/main'
import db from '@adonisjs/lucid/services/db'
import sextantConfig from '#config/sextant'
import { DateTime } from 'luxon'
import { sqlTime } from '#services/sql'
import { createConnection } from '#tests/helpers/connections'
import { createOrganization } from '#tests/helpers/factories'
import RunSchedule, { scheduleLockKey } from '#actions/schedules/run_schedule'
import { createAccount } from '#tests/helpers/accounts'
import { resetDatabase } from '#tests/helpers/database'
import { runAce } from '#tests/helpers/processes'
import { raceOutcome, raceSchedulers, tickLog } from '#tests/helpers/schedulers'
import { WebClient } from '#tests/helpers/web_client'

async function runsOf(schedule: string) {
  return db.from('schedule_runs').where('schedule', schedule).orderBy('id')
}

test.group('Scheduler', (group) => {
  group.each.setup(resetDatabase)

  test('two schedulers on one database execute each tick exactly once, and both win ticks', async ({
    assert,
    cleanup,
  }) => {
    const log = await tickLog()
    cleanup(log.dispose)
    const { schedulers, exitCodes } = await raceSchedulers({ count: 2, ticks: 6, env: log.env })
    assert.deepEqual(exitCodes, [0, 0], schedulers.map((s) => s.output()).join('\n'))

    const outcome = await raceOutcome(log)
    assert.isAtLeast(outcome.runs.length, 6)
    assert.deepEqual(
      outcome.executedTicks,
      outcome.recordedTicks,
      'every recorded tick executed exactly once, and nothing else executed'
    )
    assert.isEmpty(outcome.strayExecutions, 'only the scheduler that claimed a tick runs it')
    assert.deepEqual(
      outcome.winners,
      schedulers.map((s) => s.pid).sort(),
      'both schedulers won ticks'
    )
    for (const run of outcome.runs) {
      assert.match(run.tick, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
      assert.equal(run.trigger, 'schedule')
      assert.equal(run.status, 'succeeded', run.error)
      assert.equal(run.output, 'ok')
    }
    for (const scheduler of schedulers) {
      assert.include(scheduler.output(), 'test:tick')
      assert.notInclude(scheduler.output(), 'could not run schedule')
    }
  }).timeout(180_000)
})

test.group('Scheduler | prune schedules', (group) => {
  group.each.setup(resetDatabase)

  const daysAgo = (days: number) => sqlTime(DateTime.now().minus({ days }))

  test('schedule-runs:prune deletes the runs older than 30 days and keeps the others', async ({
    assert,
  }) => {
    const ages = { 'older-a': 45, 'older-b': 31, 'recent-a': 29, 'recent-b': 0 }
    for (const [tick, days] of Object.entries(ages)) {
      await db.table('schedule_runs').insert({
        schedule: 'sync-runs:prune',
        tick,
        trigger: 'schedule',
        status: 'succeeded',
        started_at: daysAgo(days),
      })
    }

    const outcome = await new RunSchedule().execute({
      name: 'schedule-runs:prune',
      trigger: 'manual',
    })

    assert.equal(outcome?.status, 'succeeded')
    assert.equal(outcome?.output, '2 schedule runs deleted')
    const left = await db.from('schedule_runs').orderBy('id').select('tick', 'trigger')
    assert.deepEqual(
      left.map((run) => (run.trigger === 'manual' ? 'this run' : run.tick)),
      ['recent-a', 'recent-b', 'this run']
    )
  })

  test('sync-runs:prune deletes runs finished more than 90 days ago, never a running one', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const connection = await createConnection(organization)
    const runs: Array<[string, number, number | null]> = [
      ['old-finished', 120, 95],
      ['just-old', 92, 91],
      ['recent', 100, 89],
      ['started-long-ago-still-running', 200, null],
    ]
    for (const [task, startedDaysAgo, finishedDaysAgo] of runs) {
      await db.table('sync_runs').insert({
        organization_id: organization.id,
        connection_id: connection.id,
        plugin_id: 'fixture',
        task,
        trigger: 'schedule',
        status: finishedDaysAgo === null ? 'running' : 'succeeded',
        started_at: daysAgo(startedDaysAgo),
        heartbeat_at: daysAgo(finishedDaysAgo ?? 0),
        finished_at: finishedDaysAgo === null ? null : daysAgo(finishedDaysAgo),
      })
    }

    const outcome = await new RunSchedule().execute({ name: 'sync-runs:prune', trigger: 'manual' })

    assert.equal(outcome?.status, 'succeeded')
    assert.equal(outcome?.output, '2 sync runs deleted')
    const left = await db.from('sync_runs').orderBy('id').select('task')
    assert.deepEqual(
      left.map((run) => run.task),
      ['recent', 'started-long-ago-still-running']
    )
  })
})

test.group('Scheduler | admin Jobs page and commands', (group) => {
  group.each.setup(resetDatabase)

  const jobsPath = `${sextantConfig.auth.adminPath}/jobs`

  test('the Jobs page lists the schedules and "Run now" records a manual run', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'owner', superuser: true })
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)

    const page = await web.get(jobsPath)
    assert.equal(page.status, 200)
    assert.include(page.text, 'schedule-runs:prune')
    assert.include(page.text, 'sync-runs:prune')
    assert.include(page.text, '17 3 * * *')
    assert.include(page.text, 'Never ran.')

    const run = await web.post(`${jobsPath}/${encodeURIComponent('schedule-runs:prune')}/run`)
    assert.equal(run.status, 302)
    assert.equal(run.location, jobsPath)
    const after = await web.get(jobsPath)
    assert.include(after.text, 'schedule-runs:prune ran: 0 schedule runs deleted')

    const runs = await runsOf('schedule-runs:prune')
    assert.lengthOf(runs, 1)
    assert.equal(runs[0].trigger, 'manual')
    assert.equal(runs[0].status, 'succeeded')

    const fragment = await web.get(jobsPath, { 'HX-Request': 'true' })
    assert.include(fragment.text, 'id="admin-jobs"')
    assert.notInclude(fragment.text, '<html')
    assert.include(fragment.text, 'badge--success')
    assert.notInclude(fragment.text, 'hx-trigger', 'nothing running: no polling')

    // While a run is in progress (its row running, the lock held) the
    // region refreshes itself; once the lock is free without an outcome,
    // the process running it died.
    await db.table('schedule_runs').insert({
      schedule: 'sync-runs:prune',
      tick: '2030-01-01T00:00Z',
      trigger: 'schedule',
      status: 'running',
      started_at: sqlTime(),
    })
    const held = lock.createLock(scheduleLockKey('sync-runs:prune'), '1m')
    assert.isTrue(await held.acquireImmediately())
    const polling = await web.get(jobsPath, { 'HX-Request': 'true' })
    assert.include(polling.text, 'hx-trigger="every 3s"')
    assert.include(polling.text, '>running<')
    await held.release()
    const interrupted = await web.get(jobsPath, { 'HX-Request': 'true' })
    assert.notInclude(interrupted.text, 'hx-trigger')
    assert.include(interrupted.text, '>interrupted<')

    const unknown = await web.post(`${jobsPath}/nope/run`)
    assert.equal(unknown.status, 404)
  }).timeout(60_000)

  test('the Jobs page is for superusers only', async ({ assert }) => {
    const account = await createAccount({ role: 'owner' })
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    assert.equal((await web.get(jobsPath)).status, 404)
    await web.get('/')
    assert.equal((await web.post(`${jobsPath}/schedule-runs%3Aprune/run`)).status, 404)
    assert.lengthOf(await runsOf('schedule-runs:prune'), 0)
  }).timeout(60_000)

  test('"node ace schedule:run" runs a schedule and refuses an unknown one', async ({ assert }) => {
    const ran = await runAce(['schedule:run', 'sync-runs:prune'])
    assert.equal(ran.code, 0, ran.stdout + ran.stderr)
    assert.include(ran.stdout, 'sync-runs:prune: 0 sync runs deleted')
    const [run] = await runsOf('sync-runs:prune')
    assert.equal(run.trigger, 'manual')

    const unknown = await runAce(['schedule:run', 'nope'])
    assert.equal(unknown.code, 1)
    const lines = (unknown.stdout + unknown.stderr).trim().split('\n')
    assert.lengthOf(lines, 1, lines.join('\n'))
    assert.include(lines[0], 'schedule:run: No schedule is named "nope"')
  }).timeout(90_000)

  test('"node ace schedules:list" shows each schedule with its cron and last run', async ({
    assert,
  }) => {
    await new RunSchedule().execute({ name: 'schedule-runs:prune', trigger: 'manual' })
    const result = await runAce(['schedules:list'], {
      SCHEDULE_SYNC_RUNS_PRUNE: '5 4 * * *',
      SCHEDULES_DISABLED: 'schedule-runs:prune',
    })
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /schedule-runs:prune.*17 3 \* \* \* \(disabled\).*succeeded/)
    assert.match(result.stdout, /sync-runs:prune.*5 4 \* \* \*.*never/)
  }).timeout(60_000)
})

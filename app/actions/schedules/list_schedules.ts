import { DateTime } from 'luxon'
import lock from '@adonisjs/lock/services/main'
import db from '@adonisjs/lucid/services/db'
import { scheduleLockKey } from '#actions/schedules/run_schedule'
import { listSchedules, nextFireTime } from '#services/scheduler/registry'

export type ScheduleRunRow = {
  tick: string
  trigger: 'schedule' | 'manual'
  /**
   * "interrupted" is never stored: it is a row still "running" although
   * the schedule's lock is free, because the process running it died.
   */
  status: 'running' | 'succeeded' | 'failed' | 'skipped' | 'interrupted'
  host: string | null
  output: string | null
  error: string | null
  startedAt: DateTime
  finishedAt: DateTime | null
  durationMs: number | null
}

export type ScheduleOverview = {
  name: string
  cron: string
  cronOverriddenBy: string | null
  description: string
  disabled: boolean
  nextRunAt: DateTime | null
  runs: ScheduleRunRow[]
}

/**
 * Every schedule with its effective cron, when it fires next and its most
 * recent runs, newest first (for schedules:list and the admin Jobs page).
 */
export default class ListSchedules {
  async execute(options: { runsPerSchedule: number }): Promise<ScheduleOverview[]> {
    const overviews: ScheduleOverview[] = []
    for (const schedule of listSchedules()) {
      const rows = await db
        .from('schedule_runs')
        .where('schedule', schedule.name)
        .orderBy([
          { column: 'started_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(options.runsPerSchedule)
      const next = schedule.disabled ? null : nextFireTime(schedule.cron)
      overviews.push({
        name: schedule.name,
        cron: schedule.cron,
        cronOverriddenBy: schedule.cronOverriddenBy,
        description: schedule.description,
        disabled: schedule.disabled,
        nextRunAt: next ? DateTime.fromJSDate(next) : null,
        runs: await withInterruptedRuns(schedule.name, rows.map(toRunRow)),
      })
    }
    return overviews
  }
}

/**
 * Only the newest "running" row can be the run holding the schedule's
 * lock; the others, and that one too when the lock is free, belong to
 * processes that stopped without recording an outcome.
 */
async function withInterruptedRuns(name: string, runs: ScheduleRunRow[]) {
  const newestRunning = runs.find((run) => run.status === 'running')
  if (!newestRunning) return runs
  const live = await lock.createLock(scheduleLockKey(name)).isLocked()
  return runs.map((run) =>
    run.status === 'running' && (run !== newestRunning || !live)
      ? { ...run, status: 'interrupted' as const }
      : run
  )
}

function toRunRow(row: Record<string, unknown>): ScheduleRunRow {
  return {
    tick: String(row.tick),
    trigger: row.trigger as ScheduleRunRow['trigger'],
    status: row.status as ScheduleRunRow['status'],
    host: (row.host as string | null) ?? null,
    output: (row.output as string | null) ?? null,
    error: (row.error as string | null) ?? null,
    startedAt: toDateTime(row.started_at) ?? DateTime.invalid('missing started_at'),
    finishedAt: toDateTime(row.finished_at),
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
  }
}

/**
 * PostgreSQL returns timestamps as Date; SQLite returns the text that
 * sqlTime() wrote (local time, no offset).
 */
function toDateTime(value: unknown): DateTime | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return DateTime.fromJSDate(value)
  if (typeof value === 'number') return DateTime.fromMillis(value)
  const text = String(value)
  const parsed = DateTime.fromSQL(text)
  return parsed.isValid ? parsed : DateTime.fromISO(text)
}

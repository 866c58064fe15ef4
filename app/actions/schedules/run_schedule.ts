import { Exception } from '@adonisjs/core/exceptions'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import logger from '@adonisjs/core/services/logger'
import { acquireKeptAlive, type KeptAliveLock } from '#services/kept_alive_lock'
import db from '@adonisjs/lucid/services/db'
import { insertedId, sqlTime } from '#services/sql'
import { findSchedule } from '#services/scheduler/registry'
import type { ScheduleContext } from '#services/scheduler/types'

/** a schedule name nobody registered: a 404 (docs/errors.md), one line in a command */
export class UnknownScheduleException extends Exception {
  static status = 404
  static code = 'E_UNKNOWN_SCHEDULE'

  constructor(readonly scheduleName: string) {
    super(`No schedule is named "${scheduleName}" ("node ace schedules:list" shows them)`)
  }
}

export type ScheduleRunOutcome = {
  id: number
  status: 'succeeded' | 'failed' | 'skipped'
  output: string | null
  error: string | null
  durationMs: number
}

/**
 * The lock expires on its own if the process holding it dies; while a run
 * is alive it is extended well before that.
 */
const LOCK_TTL_MS = 2 * 60_000
const MAX_OUTPUT_LENGTH = 4000
const MAX_ERROR_LENGTH = 1000
export const SKIPPED_OUTPUT = 'previous run still in progress'

export function scheduleLockKey(name: string) {
  return `schedule:${name}`
}

/**
 * Runs one schedule once and records it in schedule_runs:
 *
 * 1. claims (schedule, tick) by inserting the row; when another scheduler
 *    inserted it first, that scheduler owns the tick and this returns null;
 * 2. takes the lock "schedule:<name>"; when the previous run still holds
 *    it, the row is marked skipped;
 * 3. runs it and records success with its output, or failure with the
 *    error message (never a stack or anything else the error carries).
 */
export default class RunSchedule {
  async execute(input: {
    name: string
    trigger: ScheduleContext['trigger']
    /** the cron slot; manual runs get a unique one */
    tick?: string
    signal?: AbortSignal
  }): Promise<ScheduleRunOutcome | null> {
    const schedule = findSchedule(input.name)
    if (!schedule) throw new UnknownScheduleException(input.name)

    const startedAt = Date.now()
    const tick = input.tick ?? manualTick()
    const id = await this.#claim(schedule.name, tick, input.trigger)
    if (id === null) return null

    let scheduleLock: KeptAliveLock | null
    try {
      scheduleLock = await acquireKeptAlive(scheduleLockKey(schedule.name), LOCK_TTL_MS)
    } catch (error) {
      return this.#finish(id, startedAt, { status: 'failed', error: errorMessage(error) })
    }
    if (!scheduleLock) {
      return this.#finish(id, startedAt, { status: 'skipped', output: SKIPPED_OUTPUT })
    }

    try {
      const output = await schedule.run({
        logger: logger.child({ schedule: schedule.name, trigger: input.trigger }),
        signal: input.signal ?? new AbortController().signal,
        trigger: input.trigger,
        tick,
      })
      return await this.#finish(id, startedAt, {
        status: 'succeeded',
        output: typeof output === 'string' ? output.slice(0, MAX_OUTPUT_LENGTH) : null,
      })
    } catch (error) {
      logger.error({ schedule: schedule.name, error: errorMessage(error) }, 'schedule run failed')
      return await this.#finish(id, startedAt, { status: 'failed', error: errorMessage(error) })
    } finally {
      await scheduleLock.release()
    }
  }

  /**
   * Inserts the run unless (schedule, tick) exists already; the id of the
   * new row, or null when another process claimed the tick. MySQL cannot
   * return columns and reports 0 as the id of an ignored insert.
   */
  async #claim(schedule: string, tick: string, trigger: ScheduleContext['trigger']) {
    const rows = await db
      .connection()
      .getWriteClient()
      .table('schedule_runs')
      .insert({
        schedule,
        tick,
        trigger,
        status: 'running',
        host: `${hostname()}:${process.pid}`.slice(0, 255),
        started_at: sqlTime(),
      })
      .onConflict(['schedule', 'tick'])
      .ignore()
      .returning('id')
    return insertedId(rows)
  }

  async #finish(
    id: number,
    startedAt: number,
    result: Pick<ScheduleRunOutcome, 'status'> & { output?: string | null; error?: string | null }
  ): Promise<ScheduleRunOutcome> {
    const durationMs = Date.now() - startedAt
    const outcome = {
      id,
      status: result.status,
      output: result.output ?? null,
      error: result.error ?? null,
      durationMs,
    }
    await db.from('schedule_runs').where('id', id).update({
      status: outcome.status,
      output: outcome.output,
      error: outcome.error,
      finished_at: sqlTime(),
      duration_ms: durationMs,
    })
    return outcome
  }
}

/**
 * A manual run's tick: the instant with milliseconds and a random suffix,
 * so it never collides with a cron slot or another manual run (31
 * characters; the column holds 32).
 */
export function manualTick(at = new Date()) {
  return `${at.toISOString()}~${randomBytes(3).toString('hex')}`
}

function errorMessage(error: unknown) {
  const message = error instanceof Error ? error.message : String(error)
  return (message || 'failed without a message').slice(0, MAX_ERROR_LENGTH)
}

import cron, { type ScheduledTask } from 'node-cron'
import logger from '@adonisjs/core/services/logger'
import { activeSchedules, type RegisteredSchedule } from '#services/scheduler/registry'

/**
 * The cron slot a run fired for, in UTC: truncated to the minute, or to
 * the second for six-field crons (which fire several times a minute).
 * Every scheduler computes the same id for the same slot, which is what
 * lets several of them share one database and fire each tick once.
 */
export function cronTick(slot: Date, expression: string) {
  const withSeconds = expression.trim().split(/\s+/).length === 6
  return `${slot.toISOString().slice(0, withSeconds ? 19 : 16)}Z`
}

/**
 * node-cron's own warnings (a missed tick after a long pause, for one)
 * go to the application log instead of the console.
 */
const cronLogger = {
  info: (message: string) => logger.info(`scheduler: ${message}`),
  warn: (message: string) => logger.warn(`scheduler: ${message}`),
  error: (message: string | Error) => logger.error(`scheduler: ${String(message)}`),
  debug: (message: string | Error) => logger.debug(`scheduler: ${String(message)}`),
}

/** what the scheduler asks for each tick: run this schedule for this slot */
export type ScheduleRunRequest = {
  name: string
  trigger: 'schedule'
  tick: string
  signal: AbortSignal
}

/**
 * Runs one tick of a schedule and records it (RunSchedule, an action the
 * scheduler must not import): whoever starts a scheduler passes it in.
 */
export type ScheduleRunner = (request: ScheduleRunRequest) => Promise<unknown>

/**
 * Fires the active schedules on their crons in this process. Any number
 * of schedulers may run against one database: the schedule_runs row of a
 * tick is claimed by one of them, and a lock per schedule keeps a run
 * from overlapping the previous one (see RunSchedule).
 */
export class Scheduler {
  #tasks: ScheduledTask[] = []
  #schedules: RegisteredSchedule[] = []
  #inFlight = new Set<Promise<unknown>>()
  #stopping = new AbortController()
  #runSchedule: ScheduleRunner

  constructor(runSchedule: ScheduleRunner) {
    this.#runSchedule = runSchedule
  }

  /** the schedules this scheduler fires, once started */
  get schedules(): readonly RegisteredSchedule[] {
    return this.#schedules
  }

  start(): void {
    if (this.#tasks.length) return
    this.#schedules = activeSchedules()
    for (const schedule of this.#schedules) {
      const task = cron.createTask(schedule.cron, ({ date }) => this.#fire(schedule, date), {
        name: `schedule:${schedule.name}`,
        logger: cronLogger,
      })
      void task.start()
      this.#tasks.push(task)
    }
    logger.info(`scheduler: started ${this.#schedules.length} schedules`)
  }

  /**
   * Stops firing, tells running schedules to wind down through their
   * abort signal, and waits for them to record their outcome.
   */
  async stop(): Promise<void> {
    for (const task of this.#tasks) await task.destroy()
    this.#tasks = []
    this.#stopping.abort()
    await Promise.allSettled([...this.#inFlight])
  }

  #fire(schedule: RegisteredSchedule, slot: Date) {
    if (this.#stopping.signal.aborted) return
    const run = this.#runSchedule({
      name: schedule.name,
      trigger: 'schedule',
      tick: cronTick(slot, schedule.cron),
      signal: this.#stopping.signal,
    })
      .catch((error) => {
        // The run itself records its failures; this is the bookkeeping
        // failing (database unreachable): log it and keep firing.
        logger.error(
          { schedule: schedule.name, error: (error as Error).message },
          'scheduler: could not run schedule'
        )
      })
      .finally(() => this.#inFlight.delete(run))
    this.#inFlight.add(run)
  }
}

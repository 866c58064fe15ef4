import { args, BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Runs one schedule now, recorded as a manual run. It still waits for no
 * one: when the previous run holds the schedule's lock it is skipped.
 */
export default class ScheduleRun extends BaseCommand {
  static commandName = 'schedule:run'
  static description = 'Run one schedule now (see schedules:list for the names)'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Name of the schedule, for example schedule-runs:prune' })
  declare name: string

  async run() {
    const { default: RunSchedule, UnknownScheduleException } =
      await import('#actions/schedules/run_schedule')
    const { ScheduleConfigurationError } = await import('#services/scheduler/registry')
    try {
      const outcome = await new RunSchedule().execute({ name: this.name, trigger: 'manual' })
      if (!outcome) {
        this.fail(`${this.name}: this run was claimed by another scheduler`)
      } else if (outcome.status === 'succeeded') {
        this.logger.success(`${this.name}: ${outcome.output ?? 'done'} (${outcome.durationMs} ms)`)
      } else if (outcome.status === 'skipped') {
        this.fail(`${this.name} was skipped: ${outcome.output}`)
      } else {
        this.fail(`${this.name} failed: ${outcome.error}`)
      }
    } catch (error) {
      if (
        error instanceof UnknownScheduleException ||
        error instanceof ScheduleConfigurationError
      ) {
        return this.fail(error.message)
      }
      throw error
    }
  }

  private fail(message: string) {
    this.logger.error(`schedule:run: ${message}`)
    this.exitCode = 1
  }
}

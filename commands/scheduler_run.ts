import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The scheduler process: fires every active schedule on its cron until
 * stopped. Several may run against one database (each tick fires once);
 * "npm start" runs one inside the web process instead
 * (RUN_SCHEDULER_IN_PROCESS).
 */
export default class SchedulerRun extends BaseCommand {
  static commandName = 'scheduler:run'
  static description = 'Fire the schedules on their crons until stopped (Ctrl+C)'
  static options: CommandOptions = { startApp: true, staysAlive: true }

  async run() {
    const { Scheduler } = await import('#services/scheduler/scheduler')
    const { ScheduleConfigurationError } = await import('#services/scheduler/registry')
    const { default: RunSchedule } = await import('#actions/schedules/run_schedule')
    const scheduler = new Scheduler((request) => new RunSchedule().execute(request))
    try {
      scheduler.start()
    } catch (error) {
      if (!(error instanceof ScheduleConfigurationError)) throw error
      this.logger.error(`scheduler:run: ${error.message}`)
      this.exitCode = 1
      return this.terminate()
    }

    const table = this.ui.table().head(['Schedule', 'Cron'])
    for (const schedule of scheduler.schedules) {
      table.row([schedule.name, schedule.cron])
    }
    table.render()
    this.logger.info(`Scheduler started with ${scheduler.schedules.length} schedules`)

    // SIGTERM already terminates the app (bin/console.ts); Ctrl+C too.
    this.app.terminating(async () => {
      await scheduler.stop()
      this.logger.info('Scheduler stopped')
    })
    process.once('SIGINT', () => void this.terminate())
  }
}

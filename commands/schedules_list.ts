import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class SchedulesList extends BaseCommand {
  static commandName = 'schedules:list'
  static description = 'List the schedules with their crons and last runs'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { default: ListSchedules } = await import('#actions/schedules/list_schedules')
    const { ScheduleConfigurationError } = await import('#services/scheduler/registry')
    try {
      const schedules = await new ListSchedules().execute({ runsPerSchedule: 1 })
      const table = this.ui.table().head(['Schedule', 'Cron', 'Description', 'Last run'])
      for (const schedule of schedules) {
        const last = schedule.runs[0]
        table.row([
          schedule.name,
          schedule.disabled ? `${schedule.cron} (disabled)` : schedule.cron,
          schedule.description,
          last
            ? `${last.status} ${last.startedAt.toUTC().toISO({ suppressMilliseconds: true })}`
            : 'never',
        ])
      }
      table.render()
    } catch (error) {
      if (!(error instanceof ScheduleConfigurationError)) throw error
      this.logger.error(`schedules:list: ${error.message}`)
      this.exitCode = 1
    }
  }
}

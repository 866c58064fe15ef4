import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class Down extends BaseCommand {
  static commandName = 'down'
  static description = 'Put Sextant in maintenance mode: pages answer 503, /health keeps answering'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Why the service is down (kept in maintenance.enabled)' })
  declare reason?: string

  async run() {
    const { maintenance } = await import('#services/maintenance')
    const wasEnabled = maintenance.isEnabled()
    await maintenance.enable(this.reason)
    this.logger.success(
      wasEnabled
        ? `Maintenance mode was already on (${maintenance.flagFile}); "node ace up" ends it`
        : `Maintenance mode on (${maintenance.flagFile}); "node ace up" ends it`
    )
  }
}

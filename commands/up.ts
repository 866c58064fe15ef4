import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class Up extends BaseCommand {
  static commandName = 'up'
  static description = 'Leave maintenance mode: pages are served again'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { maintenance } = await import('#services/maintenance')
    if (!maintenance.isEnabled()) {
      this.logger.info('Maintenance mode was not on')
      return
    }
    await maintenance.disable()
    this.logger.success('Maintenance mode off')
  }
}

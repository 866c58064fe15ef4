import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The old name of "node ace cache:clear", kept for the scripts and cron
 * lines that still call it. It runs @adonisjs/cache's own command on the
 * default store (config/cache.ts), without the production prompt a
 * script cannot answer: the old command never asked either.
 */
export default class ClearCacheCommand extends BaseCommand {
  static commandName = 'clear_cache'
  static description = 'Old name of cache:clear: clear the application cache (default store)'
  static options: CommandOptions = { startApp: true }

  async run() {
    const command = await this.kernel.exec('cache:clear', ['--force'])
    this.exitCode = command.exitCode ?? (command.error ? 1 : 0)
  }
}

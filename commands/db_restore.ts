import { commandErrorMessage } from '#services/command_errors'
import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Restores a backup made by db:backup, with the app stopped: into an
 * empty database, or over one that holds data with --force. Every table's
 * row count is checked against the backup afterwards.
 */
export default class DbRestore extends BaseCommand {
  static commandName = 'db:restore'
  static description =
    'Restore a backup made by db:backup (stop the app first); refuses a database holding data unless --force'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'The backup folder (sextant-backup-…)' })
  declare backup: string

  @flags.boolean({ description: 'Replace a database that already holds users or organisations' })
  declare force: boolean

  async run() {
    const { default: RestoreBackup } = await import('#actions/backups/restore_backup')
    try {
      const report = await new RestoreBackup().execute({
        source: this.backup,
        force: this.force ?? false,
        onStep: (step) => this.logger.info(step),
      })
      this.logger.success(
        `Restored the backup of ${report.createdAt}: ${report.rows} rows in ${report.tables} tables match it`
      )
    } catch (error) {
      this.logger.error(`db:restore: ${commandErrorMessage(error)}`)
      this.exitCode = 1
    }
  }
}

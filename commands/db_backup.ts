import { commandErrorMessage } from '#services/command_errors'
import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * A backup while the app keeps running: the database (SQLite's online
 * backup API, or pg_dump), the local documents and repository snapshots,
 * and a manifest of row counts, in one folder named by the time.
 */
export default class DbBackup extends BaseCommand {
  static commandName = 'db:backup'
  static description =
    'Back up the database and the local documents and snapshots into a folder named by the time'
  static options: CommandOptions = { startApp: true }
  static numberBounds = { keep: { min: 1, max: 1000 } }

  @flags.string({
    description: 'Folder to write the backup into (default BACKUP_PATH or storage/backups)',
  })
  declare to?: string

  @flags.number({ description: 'Keep only this many newest backups in that folder (1 to 1000)' })
  declare keep?: number

  async run() {
    if (
      this.keep !== undefined &&
      (!Number.isInteger(this.keep) || this.keep < 1 || this.keep > 1000)
    ) {
      this.logger.error('db:backup: --keep must be a whole number from 1 to 1000')
      this.exitCode = 1
      return
    }
    const { default: CreateBackup } = await import('#actions/backups/create_backup')
    try {
      const report = await new CreateBackup().execute({
        destination: this.to,
        keep: this.keep,
        onStep: (step) => this.logger.info(step),
      })
      const extras = [
        report.folders.documents ? 'documents' : null,
        report.folders.snapshots ? 'snapshots' : null,
      ].filter(Boolean)
      this.logger.success(
        `Backup written to ${report.folder}: ${report.rows} rows in ${report.tables} tables${extras.length ? `, with ${extras.join(' and ')}` : ''}`
      )
      if (report.pruned.length > 0)
        this.logger.info(`removed older backups: ${report.pruned.join(', ')}`)
    } catch (error) {
      this.logger.error(`db:backup: ${commandErrorMessage(error)}`)
      this.exitCode = 1
    }
  }
}

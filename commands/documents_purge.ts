import { commandErrorMessage } from '#services/command_errors'
import { plural } from '#services/plural'
import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { checkWholeNumber, type NumberBounds } from '#validators/cli'

/** a hundred years: anything longer is a typo, not a retention policy */
export const RETENTION_DAYS_BOUNDS: NumberBounds = { min: 0, max: 36_500 }

/**
 * Meant for a daily cron: removes documents deleted more than
 * DOCUMENTS_RETENTION_DAYS ago, objects first, then rows.
 */
export default class DocumentsPurge extends BaseCommand {
  static commandName = 'documents:purge'
  static description = 'Remove deleted documents (rows and stored files) past the retention period'
  static options: CommandOptions = { startApp: true }
  static numberBounds = { days: RETENTION_DAYS_BOUNDS }

  @flags.number({ description: 'Override DOCUMENTS_RETENTION_DAYS for this run' })
  declare days?: number

  async run() {
    try {
      if (this.days !== undefined) checkWholeNumber('days', this.days, RETENTION_DAYS_BOUNDS)
    } catch (error) {
      this.logger.error(`documents:purge: ${(error as Error).message}`)
      this.exitCode = 1
      return
    }
    const { default: PurgeDeletedDocuments } =
      await import('#actions/documents/purge_deleted_documents')
    try {
      const report = await new PurgeDeletedDocuments().execute({
        retentionDays: this.days,
        onProgress: (done, total) => {
          if (done % 25 === 0 || done === total) this.logger.info(`purged ${done}/${total}`)
        },
      })
      for (const failure of report.failed) {
        this.logger.error(
          `document ${failure.document}: could not remove ${failure.keys.join(', ')}; kept for the next run`
        )
      }
      this.logger.success(`${plural(report.purged, 'deleted document')} purged`)
      if (report.failed.length > 0) this.exitCode = 1
    } catch (error) {
      this.logger.error(`documents:purge: ${commandErrorMessage(error)}`)
      this.exitCode = 1
    }
  }
}

import { commandErrorMessage } from '#services/command_errors'
import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

const DISKS = ['fs', 's3'] as const

/**
 * Checks that every document version has its object and every object
 * under documents/ has a version. Exits 1 while anything is out of step,
 * so a cron or a monitor notices.
 */
export default class DocumentsVerify extends BaseCommand {
  static commandName = 'documents:verify'
  static description =
    'Report document rows without a stored file and stored files without a row (--fix removes the files)'
  static options: CommandOptions = { startApp: true }
  /** at most a month: older files are never "uploads in flight" */
  static numberBounds = { grace: { min: 0, max: 31 * 24 * 3600 } }

  @flags.boolean({ description: 'Remove stored files that no row points at' })
  declare fix: boolean

  @flags.string({ description: 'Disk to check (fs or s3); the configured one by default' })
  declare disk?: string

  @flags.number({
    description: 'Leave alone files younger than this many seconds (uploads in flight)',
    default: 600,
  })
  declare grace: number

  async run() {
    if (this.disk !== undefined && !DISKS.includes(this.disk as (typeof DISKS)[number])) {
      this.logger.error(`documents:verify: --disk must be one of ${DISKS.join(', ')}`)
      this.exitCode = 1
      return
    }
    if (!Number.isInteger(this.grace) || this.grace < 0) {
      this.logger.error('documents:verify: --grace must be a whole number of seconds, 0 or more')
      this.exitCode = 1
      return
    }
    const { default: VerifyDocumentStorage } =
      await import('#actions/documents/verify_document_storage')
    try {
      const report = await new VerifyDocumentStorage().execute({
        disk: this.disk as (typeof DISKS)[number] | undefined,
        fix: this.fix,
        graceSeconds: this.grace,
        onProgress: (listed) => this.logger.info(`listed ${listed} objects…`),
      })
      this.logger.info(`disk ${report.disk}: ${report.objects} objects, ${report.rows} rows`)
      for (const row of report.rowsWithoutObject) {
        this.logger.error(
          `row without object: document ${row.document} v${row.version} (${row.key})`
        )
      }
      for (const key of report.objectsWithoutRow) {
        const removed = report.removed.includes(key)
        this.logger[removed ? 'info' : 'error'](
          `object without row: ${key}${removed ? ' (removed)' : ''}`
        )
      }
      for (const key of report.recentObjectsWithoutRow) {
        this.logger.info(`recent object without row (upload in flight?): ${key}`)
      }
      const orphanObjects = report.objectsWithoutRow.length - report.removed.length
      const orphans = report.rowsWithoutObject.length + orphanObjects
      this.logger[orphans === 0 ? 'success' : 'error'](
        `${report.rowsWithoutObject.length} row(s) without object, ${orphanObjects} object(s) without row`
      )
      if (orphans > 0) this.exitCode = 1
    } catch (error) {
      this.logger.error(`documents:verify: ${commandErrorMessage(error)}`)
      this.exitCode = 1
    }
  }
}

import { commandErrorMessage } from '#services/command_errors'
import { basename } from 'node:path'
import { BaseCommand, args } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { readImportFile as readText } from '#services/insights/import_errors'

/**
 * Imports reference metrics and/or reference records from CSV files (the
 * kind is told by the header), all in one transaction.
 */
export default class ImportReferenceDataCommand extends BaseCommand {
  static commandName = 'import:reference-data'
  static description = 'Import reference metrics and records (CSV) used to compute scores'
  static options: CommandOptions = { startApp: true }

  @args.spread({ description: 'CSV files: reference metrics and/or reference records' })
  declare files: string[]

  async run() {
    const { default: ImportReferenceData } = await import('#actions/insights/import_reference_data')
    const { CLI_META } = await import('#services/audit')
    const { recordReferenceImport } = await import('#services/insights/import_audit')
    try {
      const files = await Promise.all(
        this.files.map(async (path) => ({ file: basename(path), content: await readText(path) }))
      )
      const result = await new ImportReferenceData().execute(files)
      await recordReferenceImport({
        kind: 'reference',
        files: files.map((file) => file.file),
        counts: result,
        actorId: null,
        meta: CLI_META,
      })
      this.logger.success(
        `${result.metrics} reference metrics, ${result.records} reference records imported`
      )
    } catch (error) {
      this.logger.error(`import:reference-data: ${commandErrorMessage(error)}`)
      this.exitCode = 1
    }
  }
}

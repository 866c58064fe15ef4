import { commandErrorMessage } from '#services/command_errors'
import { basename } from 'node:path'
import { BaseCommand, args } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { readImportFile as readText } from '#services/insights/import_errors'

/**
 * The old "import_compliance_standards_csv": replaces every compliance
 * standard and control with a CSV/TSV file's, in one transaction (a bad
 * line changes nothing and is named).
 */
export default class ImportComplianceStandardsCommand extends BaseCommand {
  static commandName = 'import:compliance-standards'
  static description = 'Replace all compliance standards and controls with a CSV or TSV file'
  static aliases = ['import_compliance_standards_csv']
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'The standards file (.csv or .tsv), one row per control' })
  declare file: string

  async run() {
    const { default: ImportComplianceStandards } =
      await import('#actions/insights/import_compliance_standards')
    const { CLI_META } = await import('#services/audit')
    const { recordReferenceImport } = await import('#services/insights/import_audit')
    try {
      const result = await new ImportComplianceStandards().execute({
        file: basename(this.file),
        content: await readText(this.file),
      })
      await recordReferenceImport({
        kind: 'standards',
        files: [basename(this.file)],
        counts: result,
        actorId: null,
        meta: CLI_META,
      })
      this.logger.success(`${result.standards} standards with ${result.controls} controls imported`)
    } catch (error) {
      this.logger.error(`import:compliance-standards: ${commandErrorMessage(error)}`)
      this.exitCode = 1
    }
  }
}

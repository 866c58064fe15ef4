import { commandErrorMessage } from '#services/command_errors'
import { basename } from 'node:path'
import { BaseCommand, args } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { readImportFile as readText } from '#services/insights/import_errors'

/**
 * The old "import_geographies": adds or updates jurisdictions from the
 * list and the per-jurisdiction information (two JSON files).
 */
export default class ImportGeographiesCommand extends BaseCommand {
  static commandName = 'import:geographies'
  static description = 'Import jurisdictions from jurisdictions.json and jurisdictions_info.json'
  static aliases = ['import_geographies']
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'The list of jurisdictions (JSON array)' })
  declare jurisdictions: string

  @args.string({ description: 'Summary and authorities per jurisdiction code (JSON object)' })
  declare info: string

  async run() {
    const { default: ImportGeographies } = await import('#actions/insights/import_geographies')
    const { CLI_META } = await import('#services/audit')
    const { recordReferenceImport } = await import('#services/insights/import_audit')
    try {
      const result = await new ImportGeographies().execute({
        jurisdictions: {
          file: basename(this.jurisdictions),
          content: await readText(this.jurisdictions),
        },
        info: { file: basename(this.info), content: await readText(this.info) },
      })
      await recordReferenceImport({
        kind: 'geographies',
        files: [basename(this.jurisdictions), basename(this.info)],
        counts: result,
        actorId: null,
        meta: CLI_META,
      })
      this.logger.success(`${result.created} jurisdictions created, ${result.updated} updated`)
    } catch (error) {
      this.logger.error(`import:geographies: ${commandErrorMessage(error)}`)
      this.exitCode = 1
    }
  }
}

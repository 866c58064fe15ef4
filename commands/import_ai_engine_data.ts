import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { commandErrorMessage } from '#services/command_errors'

/**
 * The old "import_ai_engine_data": loads an analyzer's output (a .jsonl
 * file or a folder of them, format in docs/ai_code.md) into one
 * organisation's facts and rebuilds the GBOMs it touches. A bad file
 * imports nothing: one line naming file, line and field, exit 1.
 */
export default class ImportAiEngineDataCommand extends BaseCommand {
  static commandName = 'import:ai-engine-data'
  static description = "Import an AI-code analyzer's output (JSON Lines) for an organisation"
  static aliases = ['import_ai_engine_data']
  static options: CommandOptions = { startApp: true }

  @args.string({
    description: 'A .jsonl file or a folder of them (default AI_ENGINE_OUTPUT_PATH)',
    required: false,
  })
  declare path?: string

  @flags.string({ description: 'The organisation (its public id)' })
  declare org?: string

  @flags.string({ description: 'The organisation: its number, public id or slug' })
  declare orgid?: string

  async run() {
    const { findOrganizationArgument } = await import('#services/command_arguments')
    const { EngineOutputError } = await import('#services/ai_code/engine_output')
    const { default: ImportAiEngineData } = await import('#actions/ai_code/import_ai_engine_data')
    const named = this.orgid ?? this.org
    const path = this.path ?? process.env.AI_ENGINE_OUTPUT_PATH
    if (!named || !path) {
      this.logger.error(
        `${this.commandName}: give --org (or --orgid) and a file or folder (or set AI_ENGINE_OUTPUT_PATH)`
      )
      this.exitCode = 1
      return
    }
    const organization = await findOrganizationArgument(named)
    if (!organization) {
      this.logger.error(
        `${this.commandName}: no organisation "${named}" (its number, public id or slug)`
      )
      this.exitCode = 1
      return
    }
    try {
      const result = await new ImportAiEngineData().execute({
        organizationId: organization.id,
        path,
      })
      this.logger.success(
        `${this.commandName}: ${result.chunks} chunk(s) imported into ${result.repositories} repository(ies); GBOMs rebuilt`
      )
    } catch (error) {
      const message =
        error instanceof EngineOutputError ? error.message : commandErrorMessage(error)
      this.logger.error(`${this.commandName}: ${message}; nothing was imported`)
      this.exitCode = 1
    }
  }
}

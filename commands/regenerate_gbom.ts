import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { commandErrorMessage } from '#services/command_errors'

/**
 * The old "regenerate_gbom": rebuilds every repository's GBOM from the
 * stored facts, for one organisation or all, with progress.
 */
export default class RegenerateGbomCommand extends BaseCommand {
  static commandName = 'regenerate:gbom'
  static description = 'Rebuild the GenAI bill of materials of every repository from stored facts'
  static aliases = ['regenerate_gbom']
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Only this organisation (its public id)' })
  declare org?: string

  @flags.string({ description: 'Only this organisation: its number, public id or slug' })
  declare orgid?: string

  async run() {
    const { findOrganizationArgument } = await import('#services/command_arguments')
    const { default: Organization } = await import('#models/organization')
    const { default: RegenerateGbom } = await import('#actions/ai_code/regenerate_gbom')
    const named = this.orgid ?? this.org
    let organizations: Array<{ id: number; name: string }>
    if (named) {
      const organization = await findOrganizationArgument(named)
      if (!organization) {
        this.logger.error(
          `${this.commandName}: no organisation "${named}" (its number, public id or slug)`
        )
        this.exitCode = 1
        return
      }
      organizations = [organization]
    } else {
      organizations = await Organization.query().orderBy('id')
    }
    try {
      let total = 0
      for (const organization of organizations) {
        const result = await new RegenerateGbom().execute({
          organizationId: organization.id,
          onProgress: (done, of) => this.logger.info(`${organization.name}: ${done}/${of}`),
        })
        total += result.repositories
      }
      this.logger.success(`${this.commandName}: ${total} GBOM(s) rebuilt`)
    } catch (error) {
      this.logger.error(`${this.commandName}: ${commandErrorMessage(error)}`)
      this.exitCode = 1
    }
  }
}

import { commandErrorMessage } from '#services/command_errors'
import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class PopulateDevDataCommand extends BaseCommand {
  static commandName = 'populate:dev-data'
  static description =
    'Create the demo organisation, its owner and its data (idempotent; safe to run again)'
  static aliases = ['populate_db_dev_data']
  static options: CommandOptions = { startApp: true }

  @flags.boolean({ description: 'Do nothing when the database already holds an organisation' })
  declare ifEmpty?: boolean

  async run() {
    const { default: PopulateDevData } = await import('#actions/demo/populate_dev_data')
    try {
      const result = await new PopulateDevData().execute({ onlyIfEmpty: this.ifEmpty })
      if (result.created) {
        this.logger.success(`Created the demo organisation "${result.organization!.name}"`)
      } else {
        this.logger.info('Demo organisation already present')
      }
      if (result.demoUser) {
        this.logger.info(
          `Demo sign-in: ${result.demoUser.email} / ${result.demoUser.password} (owner; sets up 2FA at first sign-in)`
        )
      }
    } catch (error) {
      this.logger.error(`Could not populate demo data: ${commandErrorMessage(error)}`)
      this.exitCode = 1
    }
  }
}

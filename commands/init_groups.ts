import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class InitGroups extends BaseCommand {
  static commandName = 'init:groups'
  static description =
    'Create the default roles (owner, admin, member, viewer) and their permissions (idempotent)'
  static aliases = ['init_groups']
  static options: CommandOptions = { startApp: true }

  async run() {
    const { default: InitGroupsAction } = await import('#actions/auth/init_groups')
    const created = await new InitGroupsAction().execute()
    this.logger.success(
      `Roles and permissions are up to date (${created.roles} role(s), ${created.permissions} permission(s), ${created.links} grant(s) added)`
    )
  }
}

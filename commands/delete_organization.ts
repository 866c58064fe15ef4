import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * An organisation goes entirely: its data (as delete:organization-data),
 * then its invitations, memberships, settings and the organisation
 * itself. Its people keep their accounts.
 */
export default class DeleteOrganizationCommand extends BaseCommand {
  static commandName = 'delete:organization'
  static description =
    'Delete an organisation entirely: its data, memberships, invitations and settings; its people keep their accounts'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'The organisation: its number (admin area), public id or slug' })
  declare organization: string

  @flags.boolean({ description: 'List what would be deleted and stop' })
  declare dryRun?: boolean

  @flags.boolean({ description: "Do not ask to type the organisation's name (scripts)" })
  declare force?: boolean

  async run() {
    const { findOrganizationArgument } = await import('#services/command_arguments')
    const { default: DeleteOrganization } =
      await import('#actions/organizations/delete_organization')
    const organization = await findOrganizationArgument(this.organization)
    if (!organization) {
      this.logger.error(
        `${this.commandName}: no organisation "${this.organization}" (its number, public id or slug)`
      )
      this.exitCode = 1
      return
    }
    const action = new DeleteOrganization()
    const plan = await action.plan(organization)
    this.logger.info(`${organization.name} (${organization.publicId}):`)
    for (const { table, rows } of plan.tables) this.logger.log(`  ${table}: ${rows} rows`)
    this.logger.log(`  connections to disconnect: ${plan.connections}`)
    this.logger.log(`  snapshots on disk: ${plan.snapshotsFolder ?? 'none'}`)
    this.logger.log(`  memberships: ${plan.memberships}, invitations: ${plan.invites}`)
    this.logger.log(
      `  people kept with no organisation left: ${plan.usersLeftWithout} (invite them elsewhere or erase:user them)`
    )
    if (this.dryRun) return

    if (!this.force) {
      if (!process.stdin.isTTY) {
        this.logger.error(
          `${this.commandName}: type the organisation's name at the prompt, or pass --force in a script`
        )
        this.exitCode = 1
        return
      }
      const typed = await this.prompt.ask(`Type "${organization.name}" to delete it`)
      if (typed.trim() !== organization.name) {
        this.logger.error(`${this.commandName}: the name did not match; nothing was deleted`)
        this.exitCode = 1
        return
      }
    }

    const outcome = await action.execute({
      organization,
      onProgress: (line) => this.logger.log(line),
    })
    if (!outcome.deleted) {
      for (const failure of outcome.data.disconnectFailures) this.logger.error(failure)
      this.logger.error(
        `${this.commandName}: the organisation is kept until what is listed above is cleaned up; run it again`
      )
      this.exitCode = 1
      return
    }
    this.logger.success(`${organization.name} was deleted`)
  }
}

import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The old "delete_organization_data <org_id>": everything an
 * organisation holds goes (provider connections, synced data, documents,
 * snapshots); the organisation, its users and memberships stay.
 */
export default class DeleteOrganizationDataCommand extends BaseCommand {
  static commandName = 'delete:organization-data'
  static aliases = ['delete_organization_data']
  static description =
    "Delete an organisation's data (connections, synced rows, documents, snapshots); keep the organisation and its members"
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'The organisation: its number (admin area), public id or slug' })
  declare organization: string

  @flags.boolean({ description: 'List what would be deleted, per table and on disk, and stop' })
  declare dryRun?: boolean

  @flags.boolean({ description: "Do not ask to type the organisation's name (scripts)" })
  declare force?: boolean

  async run() {
    const { findOrganizationArgument } = await import('#services/command_arguments')
    const { default: DeleteOrganizationData } =
      await import('#actions/organizations/delete_organization_data')
    const organization = await findOrganizationArgument(this.organization)
    if (!organization) {
      this.logger.error(
        `${this.commandName}: no organisation "${this.organization}" (its number, public id or slug)`
      )
      this.exitCode = 1
      return
    }
    const action = new DeleteOrganizationData()
    const plan = await action.plan(organization)
    this.logger.info(`${organization.name} (${organization.publicId}):`)
    for (const { table, rows } of plan.tables) this.logger.log(`  ${table}: ${rows} rows`)
    this.logger.log(`  connections to disconnect: ${plan.connections}`)
    this.logger.log(`  snapshots on disk: ${plan.snapshotsFolder ?? 'none'}`)
    if (this.dryRun) return

    if (!this.force) {
      if (!process.stdin.isTTY) {
        this.logger.error(
          `${this.commandName}: type the organisation's name at the prompt, or pass --force in a script`
        )
        this.exitCode = 1
        return
      }
      const typed = await this.prompt.ask(`Type "${organization.name}" to delete its data`)
      if (typed.trim() !== organization.name) {
        this.logger.error(`${this.commandName}: the name did not match; nothing was deleted`)
        this.exitCode = 1
        return
      }
    }

    const report = await action.execute({
      organization,
      onProgress: (line) => this.logger.log(line),
    })
    if (report.disconnectFailures.length > 0 || report.documentsFailed > 0) {
      for (const failure of report.disconnectFailures) this.logger.error(failure)
      this.logger.error(
        `${this.commandName}: done, except what is listed above; run it again to retry`
      )
      this.exitCode = 1
      return
    }
    this.logger.success(`The data of ${organization.name} was deleted`)
  }
}

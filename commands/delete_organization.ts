import { OrganizationDeletionCommand } from '#services/organization_deletion_command'

/**
 * An organisation goes entirely: its data (as delete:organization-data),
 * then its invitations, memberships, settings and the organisation
 * itself. Its people keep their accounts.
 */
export default class DeleteOrganizationCommand extends OrganizationDeletionCommand {
  static commandName = 'delete:organization'
  static description =
    'Delete an organisation entirely: its data, memberships, invitations and settings; its people keep their accounts'

  async run() {
    const { default: DeleteOrganization } =
      await import('#actions/organizations/delete_organization')
    const organization = await this.findOrganization()
    if (!organization) return
    const action = new DeleteOrganization()
    const plan = await action.plan(organization)
    this.printPlanHeading(organization, plan)
    this.logger.log(`  memberships: ${plan.memberships}, invitations: ${plan.invites}`)
    this.logger.log(
      `  people kept with no organisation left: ${plan.usersLeftWithout} (invite them elsewhere or erase:user them)`
    )
    if (this.dryRun) return
    if (!(await this.confirmed(organization, `Type "${organization.name}" to delete it`))) return

    const outcome = await action.execute({
      organization,
      onProgress: (line) => this.logger.log(line),
    })
    if (!outcome.deleted) {
      for (const failure of outcome.data.disconnectFailures) this.logger.error(failure)
      return this.fail(
        'the organisation is kept until what is listed above is cleaned up; run it again'
      )
    }
    this.logger.success(`${organization.name} was deleted`)
  }
}

import { OrganizationDeletionCommand } from '#services/organization_deletion_command'

/**
 * The old "delete_organization_data <org_id>": everything an
 * organisation holds goes (provider connections, synced data, documents,
 * snapshots); the organisation, its users and memberships stay.
 */
export default class DeleteOrganizationDataCommand extends OrganizationDeletionCommand {
  static commandName = 'delete:organization-data'
  static aliases = ['delete_organization_data']
  static description =
    "Delete an organisation's data (connections, synced rows, documents, snapshots); keep the organisation and its members"

  async run() {
    const { default: DeleteOrganizationData } =
      await import('#actions/organizations/delete_organization_data')
    const organization = await this.findOrganization()
    if (!organization) return
    const action = new DeleteOrganizationData()
    this.printPlanHeading(organization, await action.plan(organization))
    if (this.dryRun) return
    if (!(await this.confirmed(organization, `Type "${organization.name}" to delete its data`)))
      return

    const report = await action.execute({
      organization,
      onProgress: (line) => this.logger.log(line),
    })
    if (report.disconnectFailures.length > 0 || report.documentsFailed > 0) {
      for (const failure of report.disconnectFailures) this.logger.error(failure)
      return this.fail('done, except what is listed above; run it again to retry')
    }
    this.logger.success(`The data of ${organization.name} was deleted`)
  }
}

import type Organization from '#models/organization'
import type User from '#models/user'
import sextantConfig from '#config/sextant'
import type { RequestMeta } from '#services/audit'
import DeleteOrganizationData from '#actions/organizations/delete_organization_data'
import DeleteOrganizationJob from '#jobs/delete_organization_job'

/**
 * An organisation holding more rows than the request should delete goes
 * to a queue worker; true when it was queued (the caller then shows
 * "queued" rather than an outcome).
 */
export default class QueueLargeDeletion {
  async execute(input: {
    organization: Organization
    actor: User
    entire: boolean
    meta: RequestMeta
  }): Promise<boolean> {
    const plan = await new DeleteOrganizationData().plan(input.organization)
    const rows = plan.tables.reduce((total, table) => total + table.rows, 0)
    if (rows <= sextantConfig.dataLifecycle.inlineRows) return false
    await DeleteOrganizationJob.dispatch({
      organizationId: input.organization.id,
      entire: input.entire,
      actorId: input.actor.id,
      meta: input.meta,
    })
    return true
  }
}

import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import Organization from '#models/organization'
import type { RequestMeta } from '#services/audit'
import DeleteOrganization from '#actions/organizations/delete_organization'
import DeleteOrganizationData from '#actions/organizations/delete_organization_data'

type DeleteOrganizationPayload = {
  organizationId: number
  entire: boolean
  actorId: number | null
  meta: RequestMeta
}

/**
 * A large organisation's deletion, asked for in the admin area, in a
 * worker rather than the request. The deletion is resumable, so a retry
 * picks up what is left; the audit log shows its outcome and counts.
 */
export default class DeleteOrganizationJob extends Job<DeleteOrganizationPayload> {
  static options: JobOptions = { queue: 'default', maxRetries: 2 }

  async execute() {
    const organization = await Organization.find(this.payload.organizationId)
    if (!organization) return
    const input = {
      organization,
      actorId: this.payload.actorId,
      meta: this.payload.meta,
    }
    if (this.payload.entire) await new DeleteOrganization().execute(input)
    else await new DeleteOrganizationData().execute(input)
  }
}

import Organization from '#models/organization'
import type User from '#models/user'
import type { RequestMeta } from '#services/audit'
import DeleteOrganization from '#actions/organizations/delete_organization'
import QueueLargeDeletion from '#actions/admin/queue_large_deletion'
import { assertTypedName } from '#actions/admin/delete_organization_data_confirmed'

/**
 * A superuser deletes an organisation entirely from the admin area (as
 * `node ace delete:organization`), once its name was typed back exactly.
 */
export default class DeleteOrganizationConfirmed {
  async execute(input: {
    actor: User
    organizationPublicId: string
    typedName: string
    meta: RequestMeta
  }) {
    const organization = await Organization.findByPublicIdOrFail(input.organizationPublicId)
    assertTypedName(organization, input.typedName)
    const queued = await new QueueLargeDeletion().execute({
      organization,
      actor: input.actor,
      entire: true,
      meta: input.meta,
    })
    if (queued) return { organization, report: null, deleted: false, lines: [], queued }
    const lines: string[] = []
    const outcome = await new DeleteOrganization().execute({
      organization,
      actorId: input.actor.id,
      meta: input.meta,
      onProgress: (line) => lines.push(line),
    })
    return { organization, report: outcome.data, deleted: outcome.deleted, lines, queued }
  }
}

import { FormRefusalException } from '#exceptions/form_refusal'
import Organization from '#models/organization'
import type User from '#models/user'
import type { RequestMeta } from '#services/audit'
import QueueLargeDeletion from '#actions/admin/queue_large_deletion'
import DeleteOrganizationData, {
  type DeletionReport,
} from '#actions/organizations/delete_organization_data'

/**
 * A superuser deletes an organisation's data from the admin area: the
 * same deletion as `node ace delete:organization-data`, once the
 * organisation's name was typed back exactly. The audit entry names the
 * superuser. A large organisation is deleted by a queue worker.
 */
export default class DeleteOrganizationDataConfirmed {
  async execute(input: {
    actor: User
    organizationPublicId: string
    typedName: string
    meta: RequestMeta
  }): Promise<{
    organization: Organization
    report: DeletionReport | null
    lines: string[]
    queued: boolean
  }> {
    const organization = await Organization.findByPublicIdOrFail(input.organizationPublicId)
    assertTypedName(organization, input.typedName)
    const queued = await new QueueLargeDeletion().execute({
      organization,
      actor: input.actor,
      entire: false,
      meta: input.meta,
    })
    if (queued) return { organization, report: null, lines: [], queued }
    const lines: string[] = []
    const report = await new DeleteOrganizationData().execute({
      organization,
      actorId: input.actor.id,
      meta: input.meta,
      onProgress: (line) => lines.push(line),
    })
    return { organization, report, lines, queued }
  }
}

/** the typed confirmation: the organisation's name, exactly (surrounding spaces aside) */
export function assertTypedName(organization: Organization, typed: string) {
  if (typed.trim() !== organization.name) {
    throw new FormRefusalException(
      `Type the organisation's name, "${organization.name}", exactly to confirm; nothing was deleted.`,
      { code: 'E_CONFIRMATION_MISMATCH' }
    )
  }
}

import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { publicIds } from '#services/public_id'
import { sqlTime } from '#services/sql'
import { attachReference } from '#services/domain/repository_references'
import { markAllActivityDirty } from '#services/domain/activity_start'
import {
  IdentityNotFoundException,
  IdentityRefusedException,
} from '#actions/identity/identity_refusal'

/**
 * An admin says which repository a reference means: the reference keeps
 * resolving there for every later write, and the issues,
 * vulnerabilities and deployments that carried it attach to it now.
 */
export default class MapRepositoryReference {
  async execute(input: {
    organizationId: number
    actor: User
    meta: RequestMeta
    referencePublicId: string
    repositoryPublicId: string
  }) {
    const referenceId = publicIds('repository_reference').decode(input.referencePublicId)
    const repositoryId = publicIds('repository').decode(input.repositoryPublicId)
    const result = await db.transaction(async (trx) => {
      const reference = referenceId
        ? await trx
            .from('repository_references')
            .where('organization_id', input.organizationId)
            .where('id', referenceId)
            .first()
        : null
      if (!reference) {
        throw new IdentityNotFoundException('This reference is not in the list any more.')
      }
      const repository = repositoryId
        ? await trx
            .from('repositories')
            .where('organization_id', input.organizationId)
            .where('id', repositoryId)
            .select('id', 'full_name', 'provider')
            .first()
        : null
      if (!repository)
        throw new IdentityRefusedException('Choose one of the repositories in the list.')
      await trx.from('repository_references').where('id', reference.id).update({
        repository_id: repository.id,
        resolution: 'manual',
        mapped_by_id: input.actor.id,
        updated_at: sqlTime(),
      })
      await attachReference(trx, input.organizationId, reference.id, repository.id)
      await recordAudit(
        {
          event: 'repository_reference.mapped',
          actorId: input.actor.id,
          organizationId: input.organizationId,
          subject: reference.label,
          meta: input.meta,
          details: { repository: `${repository.full_name} (${repository.provider})` },
        },
        trx
      )
      return { label: reference.label as string, repository: repository.full_name as string }
    })
    await markAllActivityDirty(input.organizationId)
    return result
  }
}

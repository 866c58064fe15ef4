import db from '@adonisjs/lucid/services/db'
import Organization from '#models/organization'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'

/**
 * Renames the organisation and sets its MFA policy. Making MFA optional
 * is recorded distinctly in the audit log: auditors look for it.
 */
export default class UpdateOrganizationSettings {
  async execute(input: {
    organization: Organization
    actor: User
    name: string
    mfaRequired: boolean
    meta: RequestMeta
  }) {
    return db.transaction(async (trx) => {
      const organization = await Organization.query({ client: trx })
        .where('id', input.organization.id)
        .firstOrFail()
      const before = { name: organization.name, mfaRequired: organization.mfaRequired }
      organization.merge({ name: input.name.trim(), mfaRequired: input.mfaRequired })
      await organization.useTransaction(trx).save()
      await recordAudit(
        {
          event:
            before.mfaRequired !== input.mfaRequired
              ? 'organization.mfa_policy_changed'
              : 'organization.updated',
          actorId: input.actor.id,
          organizationId: organization.id,
          subject: organization.name,
          meta: input.meta,
          details: {
            before,
            after: { name: organization.name, mfaRequired: organization.mfaRequired },
          },
        },
        trx
      )
      return organization
    })
  }
}

import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Invite from '#models/invite'
import type Organization from '#models/organization'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'

/**
 * Withdraws a pending invitation of this organisation (404 otherwise).
 */
export default class RevokeInvite {
  async execute(input: {
    organization: Organization
    actor: User
    invitePublicId: string
    meta: RequestMeta
  }) {
    const inviteId = Invite.keyFromPublicId(input.invitePublicId)
    await db.transaction(async (trx) => {
      const invite = await Invite.query({ client: trx })
        .where('organization_id', input.organization.id)
        .where('id', inviteId ?? 0)
        .firstOrFail()
      if (!invite.revokedAt && !invite.acceptedAt) {
        invite.revokedAt = DateTime.now()
        await invite.useTransaction(trx).save()
        await recordAudit(
          {
            event: 'invite.revoked',
            actorId: input.actor.id,
            organizationId: input.organization.id,
            subject: invite.email,
            meta: input.meta,
          },
          trx
        )
      }
    })
  }
}

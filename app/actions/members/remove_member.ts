import db from '@adonisjs/lucid/services/db'
import Membership from '#models/membership'
import type Organization from '#models/organization'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { roleAllows, type RoleName } from '#services/authorization'
import { publishMembershipChanged } from '#actions/plugins/queue_plugin_hook'
import {
  assertAnotherOwner,
  lockMemberships,
  MembershipChangeRefusedException,
} from '#actions/members/change_member_role'

/**
 * Removes someone from the organisation (their account stays).
 */
export default class RemoveMember {
  async execute(input: {
    organization: Organization
    actor: User
    actorRole: RoleName
    membershipPublicId: string
    meta: RequestMeta
  }) {
    const membershipId = Membership.keyFromPublicId(input.membershipPublicId)
    const removed = await db.transaction(async (trx) => {
      await lockMemberships(input.organization.id, trx)
      const target = await Membership.query({ client: trx })
        .where('organization_id', input.organization.id)
        .where('id', membershipId ?? 0)
        .preload('user')
        .firstOrFail()
      if (target.role === 'owner') {
        if (!roleAllows(input.actorRole, 'owners.manage')) {
          throw new MembershipChangeRefusedException('Only an owner can remove an owner.')
        }
        await assertAnotherOwner(input.organization.id, target.id, trx)
      }
      await target.useTransaction(trx).delete()
      await recordAudit(
        {
          event: 'member.removed',
          actorId: input.actor.id,
          organizationId: input.organization.id,
          subject: target.user.email,
          meta: input.meta,
        },
        trx
      )
      return target
    })
    await publishMembershipChanged({
      organization: input.organization,
      user: removed.user,
      role: null,
      previousRole: removed.role,
    })
  }
}

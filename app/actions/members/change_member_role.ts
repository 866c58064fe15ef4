import { FormRefusalException } from '#exceptions/form_refusal'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Membership from '#models/membership'
import type Organization from '#models/organization'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { ROLES, roleAllows, type RoleName } from '#services/authorization'
import { destroyUserSessions } from '#services/user_sessions'
import { publishMembershipChanged } from '#actions/plugins/queue_plugin_hook'

/** a role change or removal that would leave no owner, or is above the actor's role */
export class MembershipChangeRefusedException extends FormRefusalException {
  static status = 422
  static code = 'E_MEMBERSHIP_CHANGE_REFUSED'
}

/**
 * Changes a member's role. Only owners grant or remove "owner", and the
 * last owner cannot be demoted. The member's sessions are signed out so
 * the new privileges apply at their next sign-in.
 */
export default class ChangeMemberRole {
  async execute(input: {
    organization: Organization
    actor: User
    actorRole: RoleName
    membershipPublicId: string
    role: RoleName
    meta: RequestMeta
  }) {
    const membershipId = Membership.keyFromPublicId(input.membershipPublicId)
    let previousRole: string | null = null
    const membership = await db.transaction(async (trx) => {
      await lockMemberships(input.organization.id, trx)
      const target = await Membership.query({ client: trx })
        .where('organization_id', input.organization.id)
        .where('id', membershipId ?? 0)
        .preload('user')
        .firstOrFail()
      if (target.role === input.role) return null
      const touchesOwner = target.role === 'owner' || input.role === 'owner'
      if (touchesOwner && !roleAllows(input.actorRole, 'owners.manage')) {
        throw new MembershipChangeRefusedException(
          'Only an owner can grant or remove the owner role.'
        )
      }
      if (ROLES[input.role].rank > ROLES[input.actorRole].rank) {
        throw new MembershipChangeRefusedException('You cannot grant a role higher than your own.')
      }
      if (target.role === 'owner') await assertAnotherOwner(input.organization.id, target.id, trx)
      const previous = target.role
      previousRole = previous
      target.role = input.role
      await target.useTransaction(trx).save()
      await recordAudit(
        {
          event: 'member.role_changed',
          actorId: input.actor.id,
          organizationId: input.organization.id,
          subject: target.user.email,
          meta: input.meta,
          details: { from: previous, to: input.role },
        },
        trx
      )
      return target
    })
    if (membership && membership.userId !== input.actor.id) {
      await destroyUserSessions(membership.userId, { allExcept: null })
    }
    if (membership) {
      await publishMembershipChanged({
        organization: input.organization,
        user: membership.user,
        role: membership.role,
        previousRole: previousRole ?? null,
      })
    }
    return membership
  }
}

/**
 * Serialises changes to one organisation's memberships: the organisation's
 * row stays locked until the transaction ends, so two owners demoting or
 * removing each other at the same moment cannot both count the other as
 * the owner who remains (PostgreSQL and MySQL; SQLite has one writer).
 */
export async function lockMemberships(organizationId: number, trx: TransactionClientContract) {
  await trx.from('organizations').where('id', organizationId).forUpdate().select('id')
}

export async function assertAnotherOwner(
  organizationId: number,
  exceptMembershipId: number,
  trx: any
) {
  const others = await Membership.query({ client: trx })
    .where('organization_id', organizationId)
    .where('role', 'owner')
    .whereNot('id', exceptMembershipId)
    .first()
  if (!others)
    throw new MembershipChangeRefusedException('An organisation needs at least one owner.')
}

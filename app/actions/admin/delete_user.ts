import { Exception } from '@adonisjs/core/exceptions'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { publicIds } from '#services/public_id'
import { destroyUserSessions } from '#services/user_sessions'
import { eventUser, publishCoreEvent } from '#actions/plugins/queue_plugin_hook'

/**
 * A superuser deletes an account: its memberships, sign-in factors, API
 * tokens and sessions go with it; what it wrote (documents, audit
 * entries) stays without a name. Nobody deletes their own account here,
 * and an organisation's last owner is not deleted (make someone else
 * owner first). Once committed, plugins hear of it through the
 * user.deleted core event (a marketing audience drops the address).
 */
export default class DeleteUser {
  async execute(input: { actor: User; userPublicId: string; meta: RequestMeta }) {
    const user = await User.findByPublicIdOrFail(input.userPublicId)
    if (user.id === input.actor.id) {
      throw new Exception('You cannot delete your own account.', {
        status: 422,
        code: 'E_DELETE_SELF',
      })
    }
    const organizationIds = await db.transaction(async (trx) => {
      const memberships = await trx.from('memberships').where('user_id', user.id)
      for (const membership of memberships) {
        if (membership.role !== 'owner') continue
        const [{ total }] = await trx
          .from('memberships')
          .where('organization_id', membership.organization_id)
          .where('role', 'owner')
          .count('* as total')
        if (Number(total) <= 1) {
          throw new Exception(
            `${user.email} is the last owner of an organisation; make someone else owner first.`,
            { status: 422, code: 'E_LAST_OWNER' }
          )
        }
      }
      await recordAudit(
        {
          event: 'user.deleted',
          actorId: input.actor.id,
          subject: user.email,
          meta: input.meta,
        },
        trx
      )
      await trx.from('users').where('id', user.id).delete()
      return memberships.map((membership) => Number(membership.organization_id))
    })
    await destroyUserSessions(user.id, { allExcept: null })
    await publishCoreEvent('user.deleted', {
      user: eventUser(user),
      organizationPublicIds: organizationIds.map((id) => publicIds('organization').encode(id)),
    })
    return user
  }
}

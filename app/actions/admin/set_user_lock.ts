import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { destroyUserSessions } from '#services/user_sessions'

/**
 * Locks (signing out every session) or unlocks an account.
 */
export default class SetUserLock {
  async execute(input: { actor: User; userPublicId: string; locked: boolean; meta: RequestMeta }) {
    const user = await User.findByPublicIdOrFail(input.userPublicId)
    await db.transaction(async (trx) => {
      user.useTransaction(trx)
      user.lockedAt = input.locked ? DateTime.now() : null
      await user.save()
      await recordAudit(
        {
          event: input.locked ? 'user.locked' : 'user.unlocked',
          actorId: input.actor.id,
          subject: user.email,
          meta: input.meta,
        },
        trx
      )
    })
    if (input.locked) await destroyUserSessions(user.id, { allExcept: null })
    return user
  }
}

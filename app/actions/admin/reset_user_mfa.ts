import db from '@adonisjs/lucid/services/db'
import MfaFactor from '#models/mfa_factor'
import RecoveryCode from '#models/recovery_code'
import User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { destroyUserSessions } from '#services/user_sessions'

/**
 * Removes a user's second factors and recovery codes (lost phone). They
 * must enrol again at their next sign-in; their sessions end now.
 */
export default class ResetUserMfa {
  async execute(input: { actor: User; userPublicId: string; meta: RequestMeta }) {
    const user = await User.findByPublicIdOrFail(input.userPublicId)
    await db.transaction(async (trx) => {
      await MfaFactor.query({ client: trx }).where('user_id', user.id).delete()
      await RecoveryCode.query({ client: trx }).where('user_id', user.id).delete()
      await recordAudit(
        { event: 'mfa.reset', actorId: input.actor.id, subject: user.email, meta: input.meta },
        trx
      )
    })
    await destroyUserSessions(user.id, { allExcept: null })
    return user
  }
}

import { FormRefusalException } from '#exceptions/form_refusal'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import PasswordReset from '#models/password_reset'
import User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { sha256 } from '#services/one_time_tokens'
import { sqlTime, updatedExactlyOne } from '#services/sql'
import { assertAcceptablePassword, storeNewPassword } from '#services/passwords'
import { destroyUserSessions } from '#services/user_sessions'
import { signInLimiters, untrustedSignInKey } from '#start/limiter'

export class ResetLinkInvalidException extends FormRefusalException {
  static status = 404
  static code = 'E_RESET_LINK_INVALID'

  constructor() {
    super('This reset link is invalid or has expired. Ask for a new one.')
  }
}

/**
 * Sets a new password from an emailed link. Every session of the user is
 * signed out; the second factor is still required at the next sign-in.
 * The account-wide sign-in counter is cleared.
 */
export default class ResetPassword {
  async findValid(token: string) {
    const reset = await PasswordReset.query()
      .where('token_hash', sha256(token))
      .whereNull('used_at')
      .where('expires_at', '>', sqlTime())
      .first()
    return reset
  }

  async execute(input: { token: string; password: string; meta: RequestMeta }) {
    const reset = await this.findValid(input.token)
    if (!reset || reset.expiresAt < DateTime.now()) throw new ResetLinkInvalidException()
    const user = await User.findOrFail(reset.userId)
    await assertAcceptablePassword(input.password, {
      email: user.email,
      fullName: user.fullName,
      user,
    })
    await db.transaction(async (trx) => {
      const claimed = await trx
        .from('password_resets')
        .where('id', reset.id)
        .whereNull('used_at')
        .update({ used_at: sqlTime() })
      if (!updatedExactlyOne(claimed)) throw new ResetLinkInvalidException()
      await storeNewPassword(user, input.password, trx)
      await recordAudit(
        { event: 'password.reset', actorId: user.id, subject: user.email, meta: input.meta },
        trx
      )
    })
    await destroyUserSessions(user.id, { allExcept: null })
    // whoever failed to sign in before the reset no longer holds the account back
    await signInLimiters.perAccountUntrusted().delete(untrustedSignInKey(user.email))
    return user
  }
}

import hash from '@adonisjs/core/services/hash'
import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import {
  assertAcceptablePassword,
  PasswordRejectedException,
  storeNewPassword,
} from '#services/passwords'

/**
 * A signed-in user changes their password (current password required).
 * The caller signs out the user's other sessions.
 */
export default class ChangePassword {
  async execute(input: {
    user: User
    currentPassword: string
    newPassword: string
    meta: RequestMeta
  }) {
    if (!(await hash.verify(input.user.password, input.currentPassword))) {
      throw new PasswordRejectedException(['Your current password is not correct.'])
    }
    await assertAcceptablePassword(input.newPassword, {
      email: input.user.email,
      fullName: input.user.fullName,
      user: input.user,
    })
    await db.transaction(async (trx) => {
      await storeNewPassword(input.user, input.newPassword, trx)
      await recordAudit(
        {
          event: 'password.changed',
          actorId: input.user.id,
          subject: input.user.email,
          meta: input.meta,
        },
        trx
      )
    })
  }
}

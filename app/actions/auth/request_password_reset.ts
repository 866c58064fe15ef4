import { DateTime } from 'luxon'
import string from '@adonisjs/core/helpers/string'
import edge from 'edge.js'
import db from '@adonisjs/lucid/services/db'
import { appUrl } from '#config/app'
import sextantConfig from '#config/sextant'
import PasswordReset from '#models/password_reset'
import User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { sendMail } from '#services/mailer'
import { mayMail } from '#services/mail_throttle'
import { newUrlToken } from '#services/one_time_tokens'

/**
 * Emails a single-use reset link valid for one hour, if the address
 * belongs to an account. The caller answers the same either way, so the
 * form does not reveal which emails have accounts. Past the hourly mail
 * limits (see mayMail) nothing is done, and the answer is the same.
 */
export default class RequestPasswordReset {
  async execute(input: { email: string; meta: RequestMeta }) {
    const email = input.email.trim().toLowerCase()
    if (!(await mayMail(email, { kind: 'address', ip: input.meta.ip }))) return
    const user = await User.findBy('email', email)
    if (!user || user.isLocked) return
    const { token, digest } = newUrlToken()
    const lifetime = string.milliseconds.parse(sextantConfig.auth.passwordResetLifetime)
    await db.transaction(async (trx) => {
      await PasswordReset.query({ client: trx })
        .where('user_id', user.id)
        .whereNull('used_at')
        .delete()
      await PasswordReset.create(
        {
          userId: user.id,
          tokenHash: digest,
          expiresAt: DateTime.now().plus({ milliseconds: lifetime }),
        },
        { client: trx }
      )
      await recordAudit(
        { event: 'password.reset_requested', actorId: user.id, subject: email, meta: input.meta },
        trx
      )
    })
    const link = new URL(`/password/reset/${token}`, appUrl).toString()
    const data = { link, name: user.displayName, minutes: Math.round(lifetime / 60000) }
    await sendMail({
      to: user.email,
      subject: 'Reset your Sextant password',
      text: await edge.render('emails/password_reset_text', data),
      html: await edge.render('emails/password_reset_html', data),
    })
  }
}

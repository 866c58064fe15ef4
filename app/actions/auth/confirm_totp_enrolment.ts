import { FormRefusalException } from '#exceptions/form_refusal'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import MfaFactor from '#models/mfa_factor'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { secretBox } from '#services/secret_box'
import { totp } from '#services/totp'
import RegenerateRecoveryCodes from '#actions/auth/regenerate_recovery_codes'

export class EnrolmentCodeRejectedException extends FormRefusalException {
  static status = 422
  static code = 'E_ENROLMENT_CODE_REJECTED'

  constructor() {
    super(
      'That code does not match. Check the time on your phone and enter the current code. The key is unchanged: enter the code your authenticator app shows now.'
    )
  }
}

/**
 * Activates a pending authenticator once the user proves it works (the
 * previous one, if any, stops working), and issues a fresh set of
 * recovery codes (returned once, stored hashed).
 */
export default class ConfirmTotpEnrolment {
  async execute(input: { user: User; factorPublicId: string; code: string; meta: RequestMeta }) {
    const factorId = MfaFactor.keyFromPublicId(input.factorPublicId)
    const factor = factorId
      ? await MfaFactor.query()
          .where('id', factorId)
          .where('user_id', input.user.id)
          .whereNull('confirmed_at')
          .first()
      : null
    if (!factor) throw new EnrolmentCodeRejectedException()
    const secret = secretBox().open(factor.secret!, {
      table: 'mfa_factors',
      column: 'secret',
      rowId: factor.id,
    })
    const verification = totp.verify(secret, input.code)
    if (!verification.ok) throw new EnrolmentCodeRejectedException()

    return db.transaction(async (trx) => {
      // One authenticator at a time: confirming a new one retires the old.
      await MfaFactor.query({ client: trx })
        .where('user_id', input.user.id)
        .where('kind', 'totp')
        .whereNot('id', factor.id)
        .delete()
      factor.useTransaction(trx)
      factor.confirmedAt = DateTime.now()
      factor.lastUsedStep = verification.step
      factor.lastUsedAt = DateTime.now()
      await factor.save()
      const codes = await new RegenerateRecoveryCodes().execute({
        user: input.user,
        meta: input.meta,
        trx,
        audit: false,
      })
      await recordAudit(
        {
          event: 'mfa.enrolled',
          actorId: input.user.id,
          subject: input.user.email,
          meta: input.meta,
          details: { kind: 'totp' },
        },
        trx
      )
      return { factor, recoveryCodes: codes }
    })
  }
}

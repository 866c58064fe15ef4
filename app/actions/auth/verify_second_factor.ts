import { FormRefusalException } from '#exceptions/form_refusal'
import db from '@adonisjs/lucid/services/db'
import MfaFactor from '#models/mfa_factor'
import RecoveryCode from '#models/recovery_code'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { normalizeRecoveryCode, recoveryCodeDigest } from '#services/one_time_tokens'
import { secretBox } from '#services/secret_box'
import { totp } from '#services/totp'
import { sqlTime, updatedExactlyOne } from '#services/sql'

/** a code that is wrong, used already, or not a code at all */
export class SecondFactorRejectedException extends FormRefusalException {
  static status = 422
  static code = 'E_SECOND_FACTOR_REJECTED'
}

export type SecondFactorResult = {
  method: 'totp' | 'recovery_code'
  remainingRecoveryCodes?: number
}

/**
 * Checks a TOTP code (each code works once: the accepted time step is
 * stored and anything at or before it is refused) or a recovery code
 * (single use).
 */
export default class VerifySecondFactor {
  async execute(input: {
    user: User
    code: string
    meta: RequestMeta
    purpose?: 'sign_in' | 'reauth'
  }) {
    const recovery = normalizeRecoveryCode(input.code)
    const result = recovery
      ? await this.#useRecoveryCode(input.user, recovery, input.meta)
      : await this.#useTotp(input.user, input.code)
    if (!result) {
      await recordAudit({
        event: 'mfa.failed',
        actorId: input.user.id,
        subject: input.user.email,
        meta: input.meta,
        details: { purpose: input.purpose ?? 'sign_in' },
      })
      throw new SecondFactorRejectedException(
        recovery
          ? 'That recovery code is not valid or was already used.'
          : 'That code is not valid or was already used.'
      )
    }
    return result
  }

  async #useTotp(user: User, code: string): Promise<SecondFactorResult | null> {
    const factors = await MfaFactor.query()
      .where('user_id', user.id)
      .where('kind', 'totp')
      .whereNotNull('confirmed_at')
    for (const factor of factors) {
      const secret = secretBox().open(factor.secret!, {
        table: 'mfa_factors',
        column: 'secret',
        rowId: factor.id,
      })
      const verification = totp.verify(secret, code, {
        lastUsedStep: toNumber(factor.lastUsedStep),
      })
      if (!verification.ok) continue
      /**
       * Conditional update: of two concurrent requests with the same code,
       * only one moves the step forward.
       */
      const updated = await db
        .from('mfa_factors')
        .where('id', factor.id)
        .where((query) =>
          query.whereNull('last_used_step').orWhere('last_used_step', '<', verification.step)
        )
        .update({ last_used_step: verification.step, last_used_at: sqlTime() })
      if (updatedExactlyOne(updated)) return { method: 'totp' }
    }
    return null
  }

  async #useRecoveryCode(
    user: User,
    code: string,
    meta: RequestMeta
  ): Promise<SecondFactorResult | null> {
    return db.transaction(async (trx) => {
      const row = await RecoveryCode.query({ client: trx })
        .where('user_id', user.id)
        .where('code_hash', recoveryCodeDigest(code))
        .whereNull('used_at')
        .first()
      if (!row) return null
      const updated = await trx
        .from('recovery_codes')
        .where('id', row.id)
        .whereNull('used_at')
        .update({ used_at: sqlTime() })
      if (!updatedExactlyOne(updated)) return null
      const remaining = await trx
        .from('recovery_codes')
        .where('user_id', user.id)
        .whereNull('used_at')
        .count('* as total')
      const remainingRecoveryCodes = Number(remaining[0].total)
      await recordAudit(
        {
          event: 'recovery_code.used',
          actorId: user.id,
          subject: user.email,
          meta,
          details: { remaining: remainingRecoveryCodes },
        },
        trx
      )
      return { method: 'recovery_code' as const, remainingRecoveryCodes }
    })
  }
}

function toNumber(value: bigint | number | string | null): number | null {
  return value === null || value === undefined ? null : Number(value)
}

import { FormRefusalException } from '#exceptions/form_refusal'
import db from '@adonisjs/lucid/services/db'
import MfaFactor from '#models/mfa_factor'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'

/** the passkey is the user's only second factor */
export class PasskeyRemovalRefusedException extends FormRefusalException {
  static status = 422
  static code = 'E_PASSKEY_REMOVAL_REFUSED'
}

/**
 * Removes one of the user's passkeys, unless it is their only second
 * factor (MFA is mandatory). The user's row stays locked while it counts
 * the other factors, so two removals at the same moment cannot each count
 * the other passkey and leave none (PostgreSQL and MySQL; SQLite has one
 * writer).
 */
export default class RemovePasskey {
  async execute(input: { user: User; factorPublicId: string; meta: RequestMeta }) {
    const factorId = MfaFactor.keyFromPublicId(input.factorPublicId)
    await db.transaction(async (trx) => {
      await trx.from('users').where('id', input.user.id).forUpdate().select('id')
      const factor = await MfaFactor.query({ client: trx })
        .where('user_id', input.user.id)
        .where('kind', 'passkey')
        .where('id', factorId ?? 0)
        .firstOrFail()
      const others = await MfaFactor.query({ client: trx })
        .where('user_id', input.user.id)
        .whereNotNull('confirmed_at')
        .whereNot('id', factor.id)
        .first()
      if (!others)
        throw new PasskeyRemovalRefusedException(
          'This is your only second factor; add another before removing it.'
        )
      await factor.useTransaction(trx).delete()
      await recordAudit(
        {
          event: 'mfa.disabled',
          actorId: input.user.id,
          subject: input.user.email,
          meta: input.meta,
          details: { kind: 'passkey' },
        },
        trx
      )
    })
  }
}

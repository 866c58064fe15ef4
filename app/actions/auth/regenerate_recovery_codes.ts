import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import sextantConfig from '#config/sextant'
import RecoveryCode from '#models/recovery_code'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { newRecoveryCode, recoveryCodeDigest } from '#services/one_time_tokens'

/**
 * Replaces all of a user's recovery codes with new ones. The plain codes
 * are returned to be shown once; only digests are stored.
 */
export default class RegenerateRecoveryCodes {
  async execute(input: {
    user: User
    meta: RequestMeta
    trx?: TransactionClientContract
    audit?: boolean
  }) {
    const work = async (trx: TransactionClientContract) => {
      await RecoveryCode.query({ client: trx }).where('user_id', input.user.id).delete()
      const codes = new Set<string>()
      while (codes.size < sextantConfig.auth.recoveryCodeCount) codes.add(newRecoveryCode())
      await RecoveryCode.createMany(
        [...codes].map((code) => ({ userId: input.user.id, codeHash: recoveryCodeDigest(code) })),
        { client: trx }
      )
      if (input.audit !== false) {
        await recordAudit(
          {
            event: 'recovery_codes.regenerated',
            actorId: input.user.id,
            subject: input.user.email,
            meta: input.meta,
          },
          trx
        )
      }
      return [...codes]
    }
    return input.trx ? work(input.trx) : db.transaction(work)
  }
}

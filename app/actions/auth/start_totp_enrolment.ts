import db from '@adonisjs/lucid/services/db'
import MfaFactor from '#models/mfa_factor'
import type User from '#models/user'
import { secretBox } from '#services/secret_box'
import { totp } from '#services/totp'

/**
 * Creates an authenticator-app factor that is not active until a code
 * from it is verified. Any earlier unconfirmed attempt is discarded.
 */
export default class StartTotpEnrolment {
  async execute(user: User, issuer = 'Sextant') {
    const secret = totp.generateSecret()
    const factor = await db.transaction(async (trx) => {
      await MfaFactor.query({ client: trx })
        .where('user_id', user.id)
        .whereNull('confirmed_at')
        .delete()
      const created = await MfaFactor.create(
        { userId: user.id, kind: 'totp', label: 'Authenticator app', secret: null },
        { client: trx }
      )
      // The row id is part of the seal, so the secret is sealed once the row exists.
      created.secret = secretBox().seal(secret, {
        table: 'mfa_factors',
        column: 'secret',
        rowId: created.id,
      })
      await created.useTransaction(trx).save()
      return created
    })
    return this.#present(user, factor, secret, issuer)
  }

  /**
   * The pending (unconfirmed) factor the user already scanned, with its
   * key, so a wrong code or a reload keeps the authenticator entry valid.
   * Null when there is none: the caller starts a new enrolment.
   */
  async resume(user: User, factorPublicId: string | null | undefined, issuer = 'Sextant') {
    const factorId = factorPublicId ? MfaFactor.keyFromPublicId(factorPublicId) : null
    if (!factorId) return null
    const factor = await MfaFactor.query()
      .where('id', factorId)
      .where('user_id', user.id)
      .where('kind', 'totp')
      .whereNull('confirmed_at')
      .first()
    if (!factor?.secret) return null
    const secret = secretBox().open(factor.secret, {
      table: 'mfa_factors',
      column: 'secret',
      rowId: factor.id,
    })
    return this.#present(user, factor, secret, issuer)
  }

  async #present(user: User, factor: MfaFactor, secret: string, issuer: string) {
    const uri = totp.keyUri({ secret, accountName: user.email, issuer })
    return { factor, secret, uri, qrSvg: await totp.qrSvg(uri) }
  }
}

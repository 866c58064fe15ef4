import { FormRefusalException } from '#exceptions/form_refusal'
import { DateTime } from 'luxon'
import { verifyRegistrationResponse, type RegistrationResponseJSON } from '@simplewebauthn/server'
import db from '@adonisjs/lucid/services/db'
import MfaFactor from '#models/mfa_factor'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import type { RelyingParty } from '#services/webauthn'

/** the browser's passkey answer does not check out (challenge, origin, signature) */
export class PasskeyRejectedException extends FormRefusalException {
  static status = 422
  static code = 'E_PASSKEY_REJECTED'
}

/**
 * Checks the browser's answer to the registration challenge and stores
 * the new passkey as a confirmed second factor.
 */
export default class FinishPasskeyRegistration {
  async execute(input: {
    user: User
    response: unknown
    expectedChallenge: string | null
    relyingParty: RelyingParty
    label?: string | null
    meta: RequestMeta
  }) {
    if (!input.expectedChallenge)
      throw new PasskeyRejectedException('The passkey request expired; try again.')
    let verification
    try {
      verification = await verifyRegistrationResponse({
        response: input.response as RegistrationResponseJSON,
        expectedChallenge: input.expectedChallenge,
        expectedOrigin: input.relyingParty.origin,
        expectedRPID: input.relyingParty.id,
      })
    } catch (error) {
      throw new PasskeyRejectedException(
        `The passkey could not be verified: ${(error as Error).message}`
      )
    }
    if (!verification.verified)
      throw new PasskeyRejectedException('The passkey could not be verified.')
    const { credential } = verification.registrationInfo
    return db.transaction(async (trx) => {
      const duplicate = await MfaFactor.query({ client: trx })
        .where('credential_id', credential.id)
        .first()
      if (duplicate) throw new PasskeyRejectedException('This passkey is already registered.')
      const factor = await MfaFactor.create(
        {
          userId: input.user.id,
          kind: 'passkey',
          label: input.label?.trim().slice(0, 80) || 'Passkey',
          credentialId: credential.id,
          publicKey: Buffer.from(credential.publicKey).toString('base64url'),
          signCount: credential.counter,
          transports: credential.transports?.join(',') ?? null,
          confirmedAt: DateTime.now(),
        },
        { client: trx }
      )
      await recordAudit(
        {
          event: 'mfa.enrolled',
          actorId: input.user.id,
          subject: input.user.email,
          meta: input.meta,
          details: { kind: 'passkey' },
        },
        trx
      )
      return factor
    })
  }
}

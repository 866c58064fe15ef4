import {
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
} from '@simplewebauthn/server'
import db from '@adonisjs/lucid/services/db'
import MfaFactor from '#models/mfa_factor'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import type { RelyingParty } from '#services/webauthn'
import { sqlTime } from '#services/sql'
import { PasskeyRejectedException } from '#actions/passkeys/finish_passkey_registration'

/**
 * Checks a passkey assertion as the second factor of a sign-in. The
 * signature counter must move forward (a cloned authenticator would not).
 */
export default class VerifyPasskeySignIn {
  async execute(input: {
    user: User
    response: unknown
    expectedChallenge: string | null
    relyingParty: RelyingParty
    meta: RequestMeta
  }) {
    const response = input.response as AuthenticationResponseJSON
    const factor =
      input.expectedChallenge && typeof response?.id === 'string'
        ? await MfaFactor.query()
            .where('user_id', input.user.id)
            .where('kind', 'passkey')
            .where('credential_id', response.id)
            .whereNotNull('confirmed_at')
            .first()
        : null
    if (!factor) return this.#refuse(input, 'That passkey is not registered for this account.')
    let verification
    try {
      verification = await verifyAuthenticationResponse({
        response,
        expectedChallenge: input.expectedChallenge!,
        expectedOrigin: input.relyingParty.origin,
        expectedRPID: input.relyingParty.id,
        credential: {
          id: factor.credentialId!,
          publicKey: new Uint8Array(Buffer.from(factor.publicKey!, 'base64url')),
          counter: Number(factor.signCount ?? 0),
          transports: factor.transports ? (factor.transports.split(',') as any) : undefined,
        },
      })
    } catch {
      return this.#refuse(input, 'The passkey could not be verified.')
    }
    if (!verification.verified) return this.#refuse(input, 'The passkey could not be verified.')
    await db
      .from('mfa_factors')
      .where('id', factor.id)
      .update({ sign_count: verification.authenticationInfo.newCounter, last_used_at: sqlTime() })
    return factor
  }

  async #refuse(input: { user: User; meta: RequestMeta }, message: string): Promise<never> {
    await recordAudit({
      event: 'mfa.failed',
      actorId: input.user.id,
      subject: input.user.email,
      meta: input.meta,
      details: { kind: 'passkey' },
    })
    throw new PasskeyRejectedException(message)
  }
}

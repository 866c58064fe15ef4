import { generateAuthenticationOptions } from '@simplewebauthn/server'
import MfaFactor from '#models/mfa_factor'
import type User from '#models/user'
import type { RelyingParty } from '#services/webauthn'

/**
 * Options for navigator.credentials.get() for a user who passed the
 * password step; null when they have no passkey.
 */
export default class BeginPasskeySignIn {
  async execute(user: User, relyingParty: RelyingParty) {
    const passkeys = await MfaFactor.query()
      .where('user_id', user.id)
      .where('kind', 'passkey')
      .whereNotNull('confirmed_at')
    if (passkeys.length === 0) return null
    return generateAuthenticationOptions({
      rpID: relyingParty.id,
      userVerification: 'preferred',
      allowCredentials: passkeys.map((factor) => ({
        id: factor.credentialId!,
        transports: factor.transports ? (factor.transports.split(',') as any) : undefined,
      })),
    })
  }
}

import { generateRegistrationOptions } from '@simplewebauthn/server'
import MfaFactor from '#models/mfa_factor'
import type User from '#models/user'
import type { RelyingParty } from '#services/webauthn'

/**
 * Options for navigator.credentials.create(): the caller keeps the
 * challenge (in the session) to check the answer against.
 */
export default class BeginPasskeyRegistration {
  async execute(user: User, relyingParty: RelyingParty) {
    const existing = await MfaFactor.query()
      .where('user_id', user.id)
      .where('kind', 'passkey')
      .whereNotNull('credential_id')
    return generateRegistrationOptions({
      rpName: relyingParty.name,
      rpID: relyingParty.id,
      userName: user.email,
      userDisplayName: user.displayName,
      userID: new TextEncoder().encode(user.publicId),
      attestationType: 'none',
      excludeCredentials: existing.map((factor) => ({
        id: factor.credentialId!,
        transports: factor.transports ? factor.transports.split(',') : undefined,
      })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    })
  }
}

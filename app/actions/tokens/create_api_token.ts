import User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import UserHasSecondFactor from '#actions/auth/user_has_second_factor'

export const TOKEN_ABILITIES = ['read', 'write'] as const
export type TokenAbility = (typeof TOKEN_ABILITIES)[number]

export class TokenRefused extends Error {}

/**
 * Issues a personal access token. Only users with a second factor may
 * hold one (a token must not be a way around the MFA policy). The value
 * is returned once; the database keeps a digest.
 */
export default class CreateApiToken {
  async execute(input: {
    user: User
    name: string
    abilities: TokenAbility[]
    expiresInDays: number | null
    meta: RequestMeta
  }) {
    if (!(await new UserHasSecondFactor().execute(input.user))) {
      throw new TokenRefused('Set up two-factor authentication before creating API tokens.')
    }
    const token = await User.accessTokens.create(input.user, input.abilities, {
      name: input.name,
      expiresIn: input.expiresInDays ? `${input.expiresInDays} days` : undefined,
    })
    await recordAudit({
      event: 'token.created',
      actorId: input.user.id,
      subject: input.name,
      meta: input.meta,
      details: { abilities: input.abilities, expiresInDays: input.expiresInDays },
    })
    return { value: token.value!.release(), token }
  }
}

import { FormRefusalException } from '#exceptions/form_refusal'
import User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { roleAllows } from '#services/authorization'
import { abilitiesOfRole, TOKEN_ABILITIES, type TokenAbility } from '#services/token_abilities'
import UserHasSecondFactor from '#actions/auth/user_has_second_factor'

export type { TokenAbility }

export class TokenRefusedException extends FormRefusalException {
  static status = 403
  static code = 'E_TOKEN_REFUSED'
}

/**
 * Issues a personal access token. Only users with a second factor may
 * hold one (a token must not be a way around the MFA policy), only a
 * role with `tokens.create` may create one, and a token never carries an
 * ability its holder's role lacks (the role is checked again at every
 * use, see TokenScopeMiddleware). The value is returned once; the
 * database keeps a digest.
 */
export default class CreateApiToken {
  async execute(input: {
    user: User
    /** the membership the token is created through (the current organisation's) */
    membership: { role: string } | null
    name: string
    abilities: TokenAbility[]
    expiresInDays: number | null
    meta: RequestMeta
  }) {
    const role = input.membership?.role
    if (!role || !roleAllows(role, 'tokens.create')) {
      throw new TokenRefusedException('Your role does not allow creating API tokens.')
    }
    const allowed = abilitiesOfRole(role)
    const beyond = input.abilities.filter((ability) => !allowed.includes(ability))
    if (beyond.length > 0) {
      const names = beyond.map((ability) => TOKEN_ABILITIES[ability].label).join(', ')
      throw new TokenRefusedException(`Your role does not allow tokens that can: ${names}.`, {
        status: 422,
      })
    }
    if (!(await new UserHasSecondFactor().execute(input.user))) {
      throw new TokenRefusedException(
        'Set up two-factor authentication before creating API tokens.'
      )
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

import { FormRefusalException } from '#exceptions/form_refusal'
import { errors as authErrors } from '@adonisjs/auth'
import User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import UserHasSecondFactor from '#actions/auth/user_has_second_factor'
import SecondFactorRequired from '#actions/auth/second_factor_required'

export class InvalidCredentialsException extends FormRefusalException {
  static status = 422
  static code = 'E_INVALID_CREDENTIALS'

  constructor() {
    super('The email or password is incorrect.')
  }
}

/**
 * What the password step leads to: the second factor, enrolling one
 * (mandatory MFA, none yet), or straight in (MFA made optional by every
 * organisation of the user, and none enrolled).
 */
export type PasswordSignInResult = { user: User; next: 'mfa' | 'enrol' | 'signed_in' }

/**
 * First step of signing in. An unknown email, a wrong password and a
 * locked account all fail the same way (same message, and the password
 * is hashed either way so the timing does not tell them apart).
 */
export default class AttemptPasswordSignIn {
  async execute(input: {
    email: string
    password: string
    meta: RequestMeta
  }): Promise<PasswordSignInResult> {
    const email = input.email.trim().toLowerCase()
    let user: User
    try {
      user = await User.verifyCredentials(email, input.password)
    } catch (error) {
      if (!(error instanceof authErrors.E_INVALID_CREDENTIALS)) throw error
      const known = await User.findBy('email', email)
      await recordAudit({
        event: 'sign_in.failed',
        actorId: known?.id ?? null,
        subject: email,
        meta: input.meta,
        details: { reason: 'invalid_credentials' },
      })
      throw new InvalidCredentialsException()
    }
    if (user.isLocked) {
      await recordAudit({
        event: 'sign_in.failed',
        actorId: user.id,
        subject: email,
        meta: input.meta,
        details: { reason: 'locked' },
      })
      throw new InvalidCredentialsException()
    }
    if (await new UserHasSecondFactor().execute(user)) return { user, next: 'mfa' }
    return { user, next: (await new SecondFactorRequired().execute(user)) ? 'enrol' : 'signed_in' }
  }
}

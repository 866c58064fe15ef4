import { FormRefusalException } from '#exceptions/form_refusal'
import hash from '@adonisjs/core/services/hash'
import type User from '#models/user'
import type { RequestMeta } from '#services/audit'
import VerifySecondFactor, {
  SecondFactorRejectedException,
} from '#actions/auth/verify_second_factor'

export class ReauthenticationFailedException extends FormRefusalException {
  static status = 422
  static code = 'E_REAUTHENTICATION_FAILED'

  constructor() {
    super('That password or code is not correct.')
  }
}

/**
 * Confirms the signed-in user is still at the keyboard, with their
 * password or a current TOTP code.
 */
export default class Reauthenticate {
  async execute(input: {
    user: User
    password?: string | null
    code?: string | null
    meta: RequestMeta
  }) {
    if (input.password) {
      if (await hash.verify(input.user.password, input.password)) return
      throw new ReauthenticationFailedException()
    }
    if (input.code) {
      try {
        await new VerifySecondFactor().execute({
          user: input.user,
          code: input.code,
          meta: input.meta,
          purpose: 'reauth',
        })
        return
      } catch (error) {
        if (error instanceof SecondFactorRejectedException)
          throw new ReauthenticationFailedException()
        throw error
      }
    }
    throw new ReauthenticationFailedException()
  }
}

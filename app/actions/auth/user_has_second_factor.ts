import MfaFactor from '#models/mfa_factor'
import type User from '#models/user'

/**
 * Whether the user has at least one confirmed second factor.
 */
export default class UserHasSecondFactor {
  async execute(user: User) {
    const factor = await MfaFactor.query()
      .where('user_id', user.id)
      .whereNotNull('confirmed_at')
      .first()
    return factor !== null
  }
}

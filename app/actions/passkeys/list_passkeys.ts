import MfaFactor from '#models/mfa_factor'
import type User from '#models/user'

/**
 * The user's registered passkeys, oldest first.
 */
export default class ListPasskeys {
  async execute(user: User) {
    return MfaFactor.query()
      .where('user_id', user.id)
      .where('kind', 'passkey')
      .whereNotNull('confirmed_at')
      .orderBy('created_at', 'asc')
  }
}

import Membership from '#models/membership'
import type User from '#models/user'

/**
 * The memberships of a user with their organisations.
 */
export default class ListUserOrganizations {
  async execute(user: User) {
    return Membership.query()
      .where('user_id', user.id)
      .preload('organization')
      .orderBy('created_at', 'asc')
  }
}

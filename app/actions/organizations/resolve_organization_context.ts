import Membership from '#models/membership'
import type User from '#models/user'

/**
 * The organisation a signed-in user is acting on: the one remembered in
 * the session if they still belong to it, else their first membership.
 */
export default class ResolveOrganizationContext {
  async execute(user: User, rememberedOrganizationId: unknown) {
    const all = await Membership.query()
      .where('user_id', user.id)
      .preload('organization')
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
    if (all.length === 0) return null
    const current =
      all.find((membership) => membership.organizationId === rememberedOrganizationId) ?? all[0]
    return { membership: current, organization: current.organization, all }
  }
}

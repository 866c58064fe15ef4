import Invite from '#models/invite'
import Membership from '#models/membership'
import type Organization from '#models/organization'

/**
 * The member and invitation page of one organisation.
 */
export default class ListMembers {
  async execute(organization: Organization) {
    const [members, invites] = await Promise.all([
      Membership.query()
        .where('organization_id', organization.id)
        .preload('user')
        .orderBy('created_at', 'asc'),
      Invite.query()
        .where('organization_id', organization.id)
        .whereNull('accepted_at')
        .whereNull('revoked_at')
        .orderBy('created_at', 'desc'),
    ])
    return { members, invites: invites.filter((invite) => invite.isPending) }
  }
}

import { errors } from '@adonisjs/lucid'
import Membership from '#models/membership'
import Organization from '#models/organization'
import type User from '#models/user'

/**
 * One organisation by public id, only if the user belongs to it: an
 * organisation of someone else is indistinguishable from none (404).
 */
export default class GetOrganization {
  async execute(user: User, publicId: string) {
    const organizationId = Organization.keyFromPublicId(publicId)
    const membership = organizationId
      ? await Membership.query()
          .where('organization_id', organizationId)
          .where('user_id', user.id)
          .preload('organization')
          .first()
      : null
    if (!membership) throw new errors.E_ROW_NOT_FOUND(Organization)
    return { organization: membership.organization, membership }
  }
}

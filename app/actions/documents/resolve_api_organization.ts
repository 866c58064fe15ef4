import Membership from '#models/membership'
import type User from '#models/user'
import { roleAllows, type Permission } from '#services/authorization'

/**
 * The API is not tied to a session's current organisation: a request
 * names one ("organization", a public id) or the token's user belongs to
 * exactly one.
 */
export class ApiOrganizationRefused extends Error {
  constructor(
    message: string,
    readonly status: 403 | 404 | 422
  ) {
    super(message)
  }
}

export default class ResolveApiOrganization {
  async execute(input: { user: User; organizationPublicId?: string; permission: Permission }) {
    const memberships = await Membership.query()
      .where('user_id', input.user.id)
      .preload('organization')
    const membership = input.organizationPublicId
      ? memberships.find((entry) => entry.organization.publicId === input.organizationPublicId)
      : memberships.length === 1
        ? memberships[0]
        : undefined
    if (!membership) {
      if (input.organizationPublicId) throw new ApiOrganizationRefused('Not found', 404)
      throw new ApiOrganizationRefused(
        'You belong to several organisations: pass "organization" with its public id',
        422
      )
    }
    if (!roleAllows(membership.role, input.permission)) {
      throw new ApiOrganizationRefused('Not allowed', 403)
    }
    return membership.organization
  }
}

import { Exception } from '@adonisjs/core/exceptions'
import Membership from '#models/membership'
import Organization from '#models/organization'
import type User from '#models/user'
import { membershipsReadWithUser } from '#services/auth/session_user_provider'

export class TokenOrganizationRefusedException extends Exception {}

/**
 * The organisation a token request acts on. A client names one (a public
 * id) with the X-Sextant-Organization header or, when it cannot send a
 * second header (the Noa app), the `organization` query parameter. An
 * organisation that is named but is not one of the user's (unknown,
 * someone else's, or two different ones named) is refused rather than
 * replaced by another: the request would otherwise read or write the
 * wrong organisation's data. Without a name, a user of one organisation
 * acts in it; a user of several is asked to name one, unless the route
 * takes the first (`whenSeveral: 'first'`, for clients that cannot).
 */
export default class ResolveTokenOrganization {
  async execute(input: {
    user: User
    named: string[]
    whenSeveral: 'first' | 'refuse'
  }): Promise<{ membership: Membership; organization: Organization }> {
    const named = [...new Set(input.named)]
    if (named.length > 1) {
      throw new TokenOrganizationRefusedException('The request names two different organisations', {
        status: 403,
        code: 'E_ORGANIZATION_AMBIGUOUS',
      })
    }
    // read with the token's user in one statement when the guard read it
    const memberships =
      membershipsReadWithUser(input.user) ??
      (await Membership.query()
        .where('user_id', input.user.id)
        .preload('organization')
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc'))
    if (named.length === 1) {
      const key = Organization.keyFromPublicId(named[0])
      const membership = memberships.find((one) => key !== null && one.organizationId === key)
      if (!membership) {
        throw new TokenOrganizationRefusedException(
          'The token’s user is not a member of the organisation named',
          { status: 403, code: 'E_NOT_A_MEMBER' }
        )
      }
      return { membership, organization: membership.organization }
    }
    if (memberships.length === 0) {
      throw new TokenOrganizationRefusedException('The token’s user belongs to no organisation', {
        status: 403,
        code: 'E_NOT_A_MEMBER',
      })
    }
    if (memberships.length > 1 && input.whenSeveral === 'refuse') {
      throw new TokenOrganizationRefusedException(
        'You belong to several organisations: name one with "organization" (its public id) or the X-Sextant-Organization header',
        { status: 422, code: 'E_ORGANIZATION_REQUIRED' }
      )
    }
    return { membership: memberships[0], organization: memberships[0].organization }
  }
}

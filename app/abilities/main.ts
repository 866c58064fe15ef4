import { Bouncer } from '@adonisjs/bouncer'
import type User from '#models/user'
import type Membership from '#models/membership'
import { roleAllows, type Permission } from '#services/authorization'

/**
 * The one question every organisation route asks: does this member's
 * role grant this permission? The membership must be the user's own,
 * which the authenticated middleware guarantees for ctx.membership.
 */
export const memberCan = Bouncer.ability(
  (user: User, membership: Membership | undefined, permission: Permission) => {
    return Boolean(
      membership && membership.userId === user.id && roleAllows(membership.role, permission)
    )
  }
)

/**
 * Superusers run the admin area.
 */
export const administerSextant = Bouncer.ability((user: User) => user.isSuperuser)

import { SessionLucidUserProvider } from '@adonisjs/auth/session'
import type { LucidModel } from '@adonisjs/lucid/types/model'
import type User from '#models/user'
import type Membership from '#models/membership'

/** the memberships (with their organisations) read with the user, by user instance */
const readWithUser = new WeakMap<object, Membership[]>()

/**
 * The memberships (organisation preloaded, oldest first) read in the same
 * query as this request's user, or undefined when the user came from
 * elsewhere (an API token, a test's loginAs).
 */
export function membershipsReadWithUser(user: User): Membership[] | undefined {
  return readWithUser.get(user)
}

function columnsOf(model: LucidModel) {
  return [...model.$columnsDefinitions.values()].map(({ columnName }) => columnName)
}

/**
 * The session guard's user provider: the user, their memberships and
 * those organisations in one statement per signed-in request (the stock
 * provider read the user alone, and the organisation context a second
 * query). The user row is read fresh on every request as before, so a
 * locked or erased user loses access at once.
 */
export class SessionUserWithMembershipsProvider extends SessionLucidUserProvider<typeof User> {
  async findById(identifier: string | number | bigint) {
    const UserModel = await this.getModel()
    const [{ default: db }, { default: MembershipModel }, { default: OrganizationModel }] =
      await Promise.all([
        import('@adonisjs/lucid/services/db'),
        import('#models/membership'),
        import('#models/organization'),
      ])
    const aliased = (table: string, prefix: string, columns: string[]) =>
      columns.map((column) => `${table}.${column} as ${prefix}${column}`)
    const rows: Record<string, unknown>[] = await db
      .from('users')
      .leftJoin('memberships', 'memberships.user_id', 'users.id')
      .leftJoin('organizations', 'organizations.id', 'memberships.organization_id')
      .where('users.id', identifier as number)
      .select(aliased('users', '__u_', columnsOf(UserModel)))
      .select(aliased('memberships', '__m_', columnsOf(MembershipModel)))
      .select(aliased('organizations', '__o_', columnsOf(OrganizationModel)))
      .orderBy('memberships.created_at', 'asc')
      .orderBy('memberships.id', 'asc')
    if (rows.length === 0) return null

    const split = (row: Record<string, unknown>) => {
      const parts: Record<string, Record<string, unknown>> = { __u_: {}, __m_: {}, __o_: {} }
      for (const [key, value] of Object.entries(row)) parts[key.slice(0, 4)][key.slice(4)] = value
      return parts
    }
    const first = split(rows[0])
    const user = UserModel.$createFromAdapterResult(first.__u_)!
    const memberships: Membership[] = []
    for (const row of rows) {
      const parts = split(row)
      if (parts.__m_.id === null || parts.__m_.id === undefined) continue
      const membership = MembershipModel.$createFromAdapterResult(parts.__m_)!
      membership.$setRelated(
        'organization',
        OrganizationModel.$createFromAdapterResult(parts.__o_)!
      )
      memberships.push(membership)
    }
    readWithUser.set(user, memberships)
    return this.createUserForGuard(user)
  }
}

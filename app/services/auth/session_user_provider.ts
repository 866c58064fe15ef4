import { SessionLucidUserProvider } from '@adonisjs/auth/session'
import { AccessTokensLucidUserProvider } from '@adonisjs/auth/access_tokens'
import type { LucidModel } from '@adonisjs/lucid/types/model'
import type User from '#models/user'
import type Membership from '#models/membership'

/** the memberships (with their organisations) read with the user, by user instance */
const readWithUser = new WeakMap<object, Membership[]>()
/** whether the user had a confirmed second factor, read in the same statement */
const secondFactorWithUser = new WeakMap<object, boolean>()

/**
 * The memberships (organisation preloaded, oldest first) read in the same
 * query as this request's user, or undefined when the user came from
 * elsewhere (a test's loginAs).
 */
export function membershipsReadWithUser(user: User): Membership[] | undefined {
  return readWithUser.get(user)
}

/**
 * Whether the user has a confirmed second factor, as read in the same
 * statement as this request's user; undefined when it was not read.
 */
export function secondFactorReadWithUser(user: User): boolean | undefined {
  return secondFactorWithUser.get(user)
}

function columnsOf(model: LucidModel) {
  return [...model.$columnsDefinitions.values()].map(({ columnName }) => columnName)
}

let imported: Promise<
  [
    typeof import('@adonisjs/lucid/services/db'),
    typeof import('#models/membership'),
    typeof import('#models/organization'),
  ]
> | null = null

/**
 * The database service and the models, imported on first use (the auth
 * config loads this file before the application has booted) and then
 * kept: an `import()` on every request is a round trip through the
 * module loader (under a loader hook, to its thread: 4% of a glasses
 * request's CPU).
 */
function modules() {
  return (imported ??= Promise.all([
    import('@adonisjs/lucid/services/db'),
    import('#models/membership'),
    import('#models/organization'),
  ]))
}

/**
 * The user, their memberships and those organisations, and whether they
 * have a confirmed second factor, in one statement. The user row is read
 * fresh every time, so a locked or erased user loses access at once.
 */
async function readUserWithMemberships(UserModel: typeof User, identifier: number) {
  const [{ default: db }, { default: MembershipModel }, { default: OrganizationModel }] =
    await modules()
  const aliased = (table: string, prefix: string, columns: string[]) =>
    columns.map((column) => `${table}.${column} as ${prefix}${column}`)
  const rows: Record<string, unknown>[] = await db
    .from('users')
    .leftJoin('memberships', 'memberships.user_id', 'users.id')
    .leftJoin('organizations', 'organizations.id', 'memberships.organization_id')
    .where('users.id', identifier)
    .select(aliased('users', '__u_', columnsOf(UserModel)))
    .select(aliased('memberships', '__m_', columnsOf(MembershipModel)))
    .select(aliased('organizations', '__o_', columnsOf(OrganizationModel)))
    .select(
      db.raw(
        `CASE WHEN EXISTS (SELECT 1 FROM mfa_factors WHERE mfa_factors.user_id = users.id AND mfa_factors.confirmed_at IS NOT NULL) THEN 1 ELSE 0 END AS __x_second_factor`
      )
    )
    .orderBy('memberships.created_at', 'asc')
    .orderBy('memberships.id', 'asc')
  if (rows.length === 0) return null

  const split = (row: Record<string, unknown>) => {
    const parts: Record<string, Record<string, unknown>> = {
      __u_: {},
      __m_: {},
      __o_: {},
      __x_: {},
    }
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
    membership.$setRelated('organization', OrganizationModel.$createFromAdapterResult(parts.__o_)!)
    memberships.push(membership)
  }
  readWithUser.set(user, memberships)
  secondFactorWithUser.set(user, Number(first.__x_.second_factor) === 1)
  return user
}

/**
 * The session guard's user provider: the user, their memberships and
 * those organisations in one statement per signed-in request (the stock
 * provider read the user alone, and the organisation context a second
 * query).
 */
export class SessionUserWithMembershipsProvider extends SessionLucidUserProvider<typeof User> {
  async findById(identifier: string | number | bigint) {
    const user = await readUserWithMemberships(await this.getModel(), Number(identifier))
    return user ? this.createUserForGuard(user) : null
  }
}

/**
 * The API token guard's user provider, likewise: one statement for the
 * token's user, their memberships, organisations and second factor (the
 * stock provider and the API middleware took four).
 */
export class TokenUserWithMembershipsProvider extends AccessTokensLucidUserProvider<
  'accessTokens',
  typeof User
> {
  async findById(identifier: string | number | bigint) {
    const user = await readUserWithMemberships(await this.getModel(), Number(identifier))
    return user ? this.createUserForGuard(user) : null
  }
}

import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'
import { roleAllows } from '#services/authorization'

const membershipIds = publicIds('membership')

export type MailRecipient = {
  membershipId: number
  membershipPublicId: string
  email: string
  name: string | null
  role: string
}

/**
 * The members of an organisation who receive its insights mail: not
 * stopped by them (settings or a digest's unsubscribe link), with an
 * account that is not locked. `managersOnly` keeps those who may change
 * the agreements (alerts go to them).
 */
export async function insightsMailRecipients(
  organizationId: number,
  options: { managersOnly: boolean }
): Promise<MailRecipient[]> {
  const rows = await db
    .from('memberships as m')
    .join('users as u', 'u.id', 'm.user_id')
    .where('m.organization_id', organizationId)
    .whereNull('m.insights_mail_stopped_at')
    .whereNull('u.locked_at')
    .select('m.id', 'm.role', 'u.email', 'u.full_name')
    .orderBy('m.id')
  return rows
    .filter((row) => !options.managersOnly || roleAllows(row.role, 'organization.manage'))
    .map((row) => ({
      membershipId: row.id,
      membershipPublicId: membershipIds.encode(row.id),
      email: row.email,
      name: row.full_name,
      role: row.role,
    }))
}

/**
 * The teams each member belongs to, by their e-mail: a member is in a
 * team when one of its people was matched on that address (the person's
 * verified e-mail) or has an identity with it. Membership id → team ids.
 */
export async function teamsOfMembers(organizationId: number): Promise<Map<number, number[]>> {
  const rows = await db
    .from('memberships as m')
    .join('users as u', 'u.id', 'm.user_id')
    .join('team_members as tm', 'tm.organization_id', 'm.organization_id')
    .join('people as p', 'p.id', 'tm.person_id')
    .where('m.organization_id', organizationId)
    .where((match) =>
      match
        .whereRaw('LOWER(p.email) = LOWER(u.email)')
        .orWhereExists((identity) =>
          identity
            .from('contributors as c')
            .whereColumn('c.person_id', 'p.id')
            .where('c.organization_id', organizationId)
            .whereRaw('LOWER(c.email) = LOWER(u.email)')
        )
    )
    .distinct('m.id as membership_id', 'tm.team_id')
    .orderBy(['m.id', 'tm.team_id'])
  const teams = new Map<number, number[]>()
  for (const row of rows) {
    const membership = Number(row.membership_id)
    teams.set(membership, [...(teams.get(membership) ?? []), Number(row.team_id)])
  }
  return teams
}

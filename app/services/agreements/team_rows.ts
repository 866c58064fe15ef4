import db from '@adonisjs/lucid/services/db'

/** the logins of a team's people (all their provider identities) */
export function teamLogins(organizationId: number, teamId: number) {
  return db
    .from('contributors as c')
    .join('team_members as tm', 'tm.person_id', 'c.person_id')
    .where('c.organization_id', organizationId)
    .where('tm.organization_id', organizationId)
    .where('tm.team_id', teamId)
    .select('c.login')
}

export function pullRequestLabel(row: { full_name: string | null; number: number; title: string }) {
  return `${row.full_name ?? 'unknown'}#${row.number} ${row.title}`
}

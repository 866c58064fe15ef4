import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'

const teamIds = publicIds('team')
const personIds = publicIds('person')

export type TeamMember = { publicId: string; displayName: string }
export type TeamSummary = {
  publicId: string
  name: string
  members: TeamMember[]
  /** the provider it was imported from ("GitHub"), null for a team made in Sextant */
  importedFrom: string | null
}

/** how the Teams page names the providers teams are imported from */
const PROVIDER_NAMES: Record<string, string> = {
  github: 'GitHub',
  azure_devops: 'Azure DevOps',
  jira: 'Jira',
  bitbucket: 'Bitbucket',
}

/**
 * The organisation's teams by name, each with its people by name.
 */
export async function listTeams(organizationId: number): Promise<TeamSummary[]> {
  const [teams, members] = await Promise.all([
    db
      .from('teams')
      .where('organization_id', organizationId)
      .select('id', 'name', 'provider')
      .orderBy('name')
      .orderBy('id'),
    db
      .from('team_members as tm')
      .join('people as p', (join) => {
        join.on('p.id', '=', 'tm.person_id').andOn('p.organization_id', '=', 'tm.organization_id')
      })
      .where('tm.organization_id', organizationId)
      .select('tm.team_id', 'p.id', 'p.display_name')
      .orderBy('p.display_name')
      .orderBy('p.id'),
  ])
  const byTeam = new Map<number, TeamMember[]>()
  for (const row of members) {
    const list = byTeam.get(row.team_id) ?? []
    list.push({ publicId: personIds.encode(row.id), displayName: row.display_name })
    byTeam.set(row.team_id, list)
  }
  return teams.map((row) => ({
    publicId: teamIds.encode(row.id),
    name: row.name,
    members: byTeam.get(row.id) ?? [],
    importedFrom: row.provider ? (PROVIDER_NAMES[row.provider] ?? row.provider) : null,
  }))
}

/** the teams as filter choices (public id and name) */
export async function teamChoices(organizationId: number) {
  const rows = await db
    .from('teams')
    .where('organization_id', organizationId)
    .select('id', 'name')
    .orderBy('name')
  return rows.map((row) => ({ publicId: teamIds.encode(row.id), name: row.name as string }))
}

/**
 * The people of a team as a subquery of person ids, fenced to the
 * organisation (an id of another organisation's team selects no one).
 */
export function teamPersonIds(organizationId: number, teamPublicId: string) {
  return db
    .from('team_members as tm')
    .select('tm.person_id')
    .where('tm.organization_id', organizationId)
    .where('tm.team_id', teamIds.decode(teamPublicId) ?? 0)
}

import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { flowAuthor } from '#services/insights/rollup_sql'
import { sqlTime } from '#services/sql'
import type { AgreementScope, Period } from '#services/agreements/adherence'

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

/**
 * The pull requests an agreement measures, with their repository: the
 * organisation's, by people (flowAuthor), and the team's people's when
 * the agreement is a team's.
 */
export function scopedPullRequests(scope: Pick<AgreementScope, 'organizationId' | 'teamId'>) {
  const query = db
    .from('pull_requests as p')
    .leftJoin('repositories as r', 'r.id', 'p.repository_id')
    .where('p.organization_id', scope.organizationId)
    .whereRaw(flowAuthor('p'))
  if (scope.teamId !== null) {
    query.whereIn('p.author_login', teamLogins(scope.organizationId, scope.teamId))
  }
  return query
}

/** the scope's pull requests merged in the period */
export function mergedPullRequests(
  scope: Pick<AgreementScope, 'organizationId' | 'teamId'>,
  period: Period
) {
  return scopedPullRequests(scope)
    .where('p.merged_at', '>=', sqlTime(DateTime.fromJSDate(period.start)))
    .where('p.merged_at', '<', sqlTime(DateTime.fromJSDate(period.end)))
}

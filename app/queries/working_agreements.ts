import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'
import { teamIds } from '#actions/teams/find_team'
import { AGREEMENT_KINDS, isAgreementKind, type AgreementKind } from '#services/agreements/kinds'
import { adherence, recentWeeks, type Adherence } from '#services/agreements/adherence'

export const agreementIds = publicIds('agreement')

export type AgreementRow = {
  id: number
  publicId: string
  organizationId: number
  kind: AgreementKind
  threshold: number
  targetPercent: number
  teamId: number | null
  teamName: string | null
  teamPublicId: string | null
  description: string
  /** "for the organisation" or "for Platform" */
  scopeLabel: string
}

/** the organisation's working agreements, organisation-wide first, then by team name */
export async function listAgreements(organizationId: number): Promise<AgreementRow[]> {
  const rows = await db
    .from('working_agreements as a')
    .leftJoin('teams as t', 't.id', 'a.team_id')
    .where('a.organization_id', organizationId)
    .select('a.id', 'a.kind', 'a.threshold', 'a.target_percent', 'a.team_id', 't.name as team_name')
    .orderByRaw('CASE WHEN a.team_id IS NULL THEN 0 ELSE 1 END')
    .orderBy('t.name')
    .orderBy('a.id')
  return rows.flatMap((row) => {
    if (!isAgreementKind(row.kind)) return []
    return [
      {
        id: row.id,
        publicId: agreementIds.encode(row.id),
        organizationId,
        kind: row.kind,
        threshold: Number(row.threshold),
        targetPercent: Number(row.target_percent),
        teamId: row.team_id ?? null,
        teamName: row.team_name ?? null,
        teamPublicId: row.team_id ? teamIds.encode(row.team_id) : null,
        description: AGREEMENT_KINDS[row.kind as AgreementKind].describe(Number(row.threshold)),
        scopeLabel: row.team_name ? `for ${row.team_name}` : 'for the organisation',
      },
    ]
  })
}

export type WeeklyAdherence = Adherence & { label: string; holds: boolean | null }

/** adherence of each of the last `weeks` ISO weeks (UTC), oldest first */
export async function adherenceHistory(
  agreement: AgreementRow,
  now: Date,
  weeks = 8
): Promise<WeeklyAdherence[]> {
  const history: WeeklyAdherence[] = []
  for (const week of recentWeeks(now, weeks)) {
    const measured = await adherence(agreement, week, now)
    history.push({
      ...measured,
      label: week.label,
      holds: measured.percent === null ? null : measured.percent >= agreement.targetPercent,
    })
  }
  return history
}

/** the member's choice about insights mail: null while they receive it */
export async function insightsMailStoppedAt(membershipId: number) {
  const row = await db
    .from('memberships')
    .where('id', membershipId)
    .select('insights_mail_stopped_at')
    .first()
  return row?.insights_mail_stopped_at ?? null
}

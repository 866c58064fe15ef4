import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'
import { teamIds } from '#actions/teams/find_team'
import { AGREEMENT_KINDS, isAgreementKind, type AgreementKind } from '#services/agreements/kinds'
import {
  adherence,
  recentWeekLabels,
  recentWeeks,
  type Adherence,
} from '#services/agreements/adherence'
import { cachedInsight } from '#services/insights/cache'

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

export type StripWeek = {
  label: string
  percent: number | null
  met: number
  measured: number
  holds: boolean | null
}

export type AgreementStrip = {
  publicId: string
  description: string
  targetPercent: number
  weeks: StripWeek[]
}

/**
 * The insights pages' adherence strip: the organisation's agreements (or,
 * given a team, that team's) with what the daily check recorded for each
 * of the last `count` ISO weeks, oldest first. One statement, cached
 * with the page's fragments (the check and a new agreement drop them).
 */
export function agreementStrip(
  organizationId: number,
  teamId: number | null,
  now = new Date(),
  count = 8
): Promise<AgreementStrip[]> {
  const weeks = recentWeekLabels(now, count)
  return cachedInsight(
    organizationId,
    'agreement-strip-v1',
    { team: teamId ?? 'organisation', week: weeks.at(-1) },
    async () => {
      const rows = await db
        .from('working_agreements as a')
        .leftJoin('working_agreement_weeks as w', (join) =>
          join.on('w.working_agreement_id', '=', 'a.id').onIn('w.period', weeks)
        )
        .where('a.organization_id', organizationId)
        .where((scope) =>
          teamId === null ? scope.whereNull('a.team_id') : scope.where('a.team_id', teamId)
        )
        .select('a.id', 'a.kind', 'a.threshold', 'a.target_percent')
        .select('w.period', 'w.measured', 'w.met', 'w.percent')
        .orderBy('a.id')
      const strips = new Map<number, AgreementStrip & { recorded: Map<string, StripWeek> }>()
      for (const row of rows) {
        if (!isAgreementKind(row.kind)) continue
        const target = Number(row.target_percent)
        let strip = strips.get(row.id)
        if (!strip) {
          strip = {
            publicId: agreementIds.encode(row.id),
            description: AGREEMENT_KINDS[row.kind as AgreementKind].describe(Number(row.threshold)),
            targetPercent: target,
            weeks: [],
            recorded: new Map(),
          }
          strips.set(row.id, strip)
        }
        if (row.period) {
          const percent = row.percent === null ? null : Number(row.percent)
          strip.recorded.set(row.period, {
            label: row.period,
            percent,
            met: Number(row.met),
            measured: Number(row.measured),
            holds: percent === null ? null : percent >= target,
          })
        }
      }
      return [...strips.values()].map(({ recorded, ...strip }) => ({
        ...strip,
        weeks: weeks.map(
          (label) =>
            recorded.get(label) ?? { label, percent: null, met: 0, measured: 0, holds: null }
        ),
      }))
    }
  )
}

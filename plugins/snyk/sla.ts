import { DateTime } from 'luxon'
import {
  db,
  fromSqlTime,
  sqlTime,
  vine,
  type EvidenceConnection,
  type EvidenceFact,
} from '#plugin-sdk'
import { severityOf, type SeverityLevel } from './sync/mappers.js'

export type RemediationSla = Record<SeverityLevel, number>

/** days an open issue of each severity may stay open: the defaults until an admin changes them */
export const DEFAULT_SLA: RemediationSla = { critical: 15, high: 30, medium: 90, low: 180 }

const SEVERITIES: SeverityLevel[] = ['critical', 'high', 'medium', 'low']

export const slaValidator = vine.create({
  critical: vine.number().withoutDecimals().range([1, 3650]),
  high: vine.number().withoutDecimals().range([1, 3650]),
  medium: vine.number().withoutDecimals().range([1, 3650]),
  low: vine.number().withoutDecimals().range([1, 3650]),
})

export async function remediationSla(organizationId: number): Promise<RemediationSla> {
  const row = await db
    .from('snyk_remediation_slas')
    .where('organization_id', organizationId)
    .first()
  if (!row) return { ...DEFAULT_SLA }
  return {
    critical: Number(row.critical_days),
    high: Number(row.high_days),
    medium: Number(row.medium_days),
    low: Number(row.low_days),
  }
}

export async function saveRemediationSla(organizationId: number, sla: RemediationSla) {
  const now = sqlTime()
  await db
    .knexQuery()
    .table('snyk_remediation_slas')
    .insert({
      organization_id: organizationId,
      critical_days: sla.critical,
      high_days: sla.high,
      medium_days: sla.medium,
      low_days: sla.low,
      created_at: now,
      updated_at: now,
    })
    .onConflict('organization_id')
    .merge(['critical_days', 'high_days', 'medium_days', 'low_days', 'updated_at'])
}

export type Breach = {
  title: string
  severity: SeverityLevel
  repository: string | null
  ageDays: number
  slaDays: number
  exploitMaturity: string | null
  fixable: boolean
  identifier: string | null
}

/**
 * Open security issues past their severity's deadline, oldest first. An
 * issue ignored in Snyk with a reason does not breach until its ignore
 * expires; licence findings are not vulnerabilities.
 */
export async function slaBreaches(
  organizationId: number,
  options: { connectionPublicId?: string; now?: DateTime } = {}
): Promise<Breach[]> {
  const now = options.now ?? DateTime.utc()
  const sla = await remediationSla(organizationId)
  const query = db
    .from('snyk_issues')
    .where('organization_id', organizationId)
    .where('status', 'open')
    .whereNot('type', 'license')
    .where((open) =>
      open
        .where('ignored', false)
        .orWhereNull('ignore_reason')
        .orWhere('ignore_reason', '')
        .orWhere((expired) =>
          expired.whereNotNull('ignore_expires_at').where('ignore_expires_at', '<=', sqlTime(now))
        )
    )
    // the loosest deadline (low) bounds what can breach; each row is judged below
    .where('opened_at', '<', sqlTime(now.minus({ days: Math.min(...Object.values(sla)) })))
    .orderBy('opened_at')
    .select(
      'title',
      'severity',
      'repository_label',
      'opened_at',
      'exploit_maturity',
      'fixable',
      'cve',
      'issue_key'
    )
  if (options.connectionPublicId) query.where('connection_public_id', options.connectionPublicId)
  const breaches: Breach[] = []
  for (const row of await query) {
    const severity = severityOf(row.severity)
    const opened = DateTime.fromJSDate(fromSqlTime(row.opened_at)!)
    const ageDays = Math.floor(now.diff(opened, 'days').days)
    if (ageDays <= sla[severity]) continue
    breaches.push({
      title: row.title,
      severity,
      repository: row.repository_label,
      ageDays,
      slaDays: sla[severity],
      exploitMaturity: row.exploit_maturity,
      fixable: Boolean(row.fixable),
      identifier: row.cve ?? row.issue_key,
    })
  }
  return breaches.sort(
    (a, b) =>
      SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || b.ageDays - a.ageDays
  )
}

/**
 * The riskiest breaches first: a known exploit and an available fix make
 * an old critical issue the first thing to fix ("3 critical
 * vulnerabilities with a known exploit and a fix available, open 40 days").
 */
export function topRisks(breaches: Breach[]) {
  const groups = new Map<string, Breach[]>()
  for (const breach of breaches) {
    if (breach.severity !== 'critical' && breach.severity !== 'high') continue
    const key = `${breach.severity}|${breach.exploitMaturity ? 1 : 0}|${breach.fixable ? 1 : 0}`
    groups.set(key, [...(groups.get(key) ?? []), breach])
  }
  const weight = (list: Breach[]) =>
    (list[0].severity === 'critical' ? 4 : 2) +
    (list[0].exploitMaturity ? 2 : 0) +
    (list[0].fixable ? 1 : 0)
  return [...groups.values()]
    .sort((a, b) => weight(b) - weight(a) || b.length - a.length)
    .map((list) => {
      const count = list.length
      const noun = `${list[0].severity} ${count === 1 ? 'vulnerability' : 'vulnerabilities'}`
      const traits = [
        list[0].exploitMaturity ? 'a known exploit' : null,
        list[0].fixable ? 'a fix available' : null,
      ].filter(Boolean)
      const oldest = Math.max(...list.map((breach) => breach.ageDays))
      return `${count} ${noun}${traits.length ? ` with ${traits.join(' and ')}` : ''}, open ${oldest} days`
    })
}

/** the remediation-SLA evidence a Snyk connection publishes on Compliance Detail */
export async function slaEvidence(connection: EvidenceConnection): Promise<EvidenceFact[]> {
  const breaches = await slaBreaches(connection.organizationId, {
    connectionPublicId: connection.publicId,
  })
  const count = breaches.length
  return [
    {
      kind: 'vulnerability_sla',
      met: count === 0,
      label:
        count === 0
          ? `${connection.displayName}: every open Snyk issue within its remediation SLA`
          : `${connection.displayName}: ${count} open Snyk ${count === 1 ? 'issue' : 'issues'} past the remediation SLA`,
      href: '/integrations/snyk/sla',
    },
  ]
}

export type RemediationTimes = Record<SeverityLevel, { fixed: number; meanDays: number | null }>

/**
 * Mean time to remediate per severity: issues resolved in Snyk (or closed
 * because Snyk stopped listing them) in the last `days` days, from opened
 * to resolved.
 */
export async function remediationTimes(
  organizationId: number,
  options: { days?: number; now?: DateTime } = {}
): Promise<RemediationTimes> {
  const now = options.now ?? DateTime.utc()
  const rows = await db
    .from('snyk_issues')
    .where('organization_id', organizationId)
    .whereIn('status', ['resolved', 'closed'])
    .whereNot('type', 'license')
    .where('resolved_at', '>=', sqlTime(now.minus({ days: options.days ?? 90 })))
    .select('severity', 'opened_at', 'resolved_at')
  const sums = Object.fromEntries(SEVERITIES.map((severity) => [severity, { fixed: 0, total: 0 }]))
  for (const row of rows) {
    const opened = fromSqlTime(row.opened_at)!.getTime()
    const resolved = fromSqlTime(row.resolved_at)!.getTime()
    const entry = sums[severityOf(row.severity)]
    entry.fixed++
    entry.total += Math.max(0, resolved - opened) / 86_400_000
  }
  return Object.fromEntries(
    SEVERITIES.map((severity) => {
      const { fixed, total } = sums[severity]
      return [severity, { fixed, meanDays: fixed ? Math.round((total / fixed) * 10) / 10 : null }]
    })
  ) as RemediationTimes
}

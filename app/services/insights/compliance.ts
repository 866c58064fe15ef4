import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { selectRows } from '#services/insights/dialect'
import { sqlTime } from '#services/sql'
import { publicIds } from '#services/public_id'
import { pluginRegistry } from '#services/plugins/registry'
import type { EvidenceFact } from '#plugin-sdk/declarations'
import { organizationPolicy } from '#services/ai_code/policy'
import type {
  ControlEvaluation,
  ControlStatus,
  EvidenceKind,
  EvidenceLink,
  JurisdictionCompliance,
  Severity,
} from '#services/insights/types'

/**
 * Days an open vulnerability of each severity may stay open before the
 * "vulnerability SLA" control counts as not met.
 */
export const VULNERABILITY_SLA_DAYS: Record<Severity, number> = {
  critical: 15,
  high: 30,
  medium: 90,
  low: 180,
}

export const EVIDENCE_KINDS: EvidenceKind[] = [
  'mfa',
  'vulnerability_sla',
  'status_checks',
  'documents',
]

/** where a cited document's review stands: accepted evidence past its expiry is expired */
export type EvidenceState = 'submitted' | 'accepted' | 'rejected' | 'expired'

export const EVIDENCE_STATE_LABELS: Record<EvidenceState, string> = {
  submitted: 'awaiting review',
  accepted: 'accepted',
  rejected: 'rejected',
  expired: 'expired',
}

type DocumentEvidence = EvidenceLink & { state: EvidenceState }

function evidenceState(status: string, expiresAt: unknown, now: Date): EvidenceState {
  if (status === 'accepted') {
    const expiry =
      expiresAt instanceof Date
        ? expiresAt
        : expiresAt
          ? new Date(`${String(expiresAt).replace(' ', 'T')}Z`)
          : null
    return expiry && expiry <= now ? 'expired' : 'accepted'
  }
  return status === 'rejected' ? 'rejected' : 'submitted'
}

type Verdict = { status: ControlStatus; detail: string; evidence: EvidenceLink[] }

/** What the organisation's own data says, read once per page. */
type OrganizationFacts = {
  mfaRequired: boolean
  vulnerabilities: number
  overdue: number
  /** what the organisation's connections publish (PluginDeclarations.evidence) */
  statusChecks: EvidenceFact[]
  /** the organisation's AI code policy posts the Sextant status check */
  policyEnabled: boolean
  remediationSla: EvidenceFact[]
  documents: Map<string, DocumentEvidence[]>
}

async function organizationFacts(organizationId: number): Promise<OrganizationFacts> {
  const now = DateTime.utc()
  const severities = Object.keys(VULNERABILITY_SLA_DAYS) as Severity[]
  const overdue = severities.map(() => '(v.severity = ? AND v.introduced_at < ?)').join(' OR ')
  const facts = selectRows(
    await db.rawQuery(
      `SELECT o.mfa_required AS mfa_required,
         (SELECT COUNT(*) FROM vulnerabilities v WHERE v.organization_id = o.id) AS vulnerabilities,
         (SELECT COUNT(*) FROM vulnerabilities v
            WHERE v.organization_id = o.id AND v.status = 'open' AND v.fixed_at IS NULL AND (${overdue})) AS overdue
       FROM organizations o WHERE o.id = ?`,
      [
        ...severities.flatMap((severity) => [
          severity,
          sqlTime(now.minus({ days: VULNERABILITY_SLA_DAYS[severity] })),
        ]),
        organizationId,
      ]
    )
  )[0]
  const evidence = await pluginEvidence(organizationId)
  const policy = await organizationPolicy(organizationId)
  const links = await db
    .from('document_control_links as l')
    .join('documents as d', 'd.id', 'l.document_id')
    .where('d.organization_id', organizationId)
    .whereNull('d.deleted_at')
    .select('l.control_code', 'd.id', 'd.title', 'l.review_status', 'l.expires_at')
    .orderBy('d.title')
  const documentCodec = publicIds('document')
  const documents = new Map<string, DocumentEvidence[]>()
  for (const link of links) {
    const list = documents.get(link.control_code) ?? []
    const state = evidenceState(link.review_status, link.expires_at, now.toJSDate())
    list.push({
      label: `${link.title} (${EVIDENCE_STATE_LABELS[state]})`,
      href: `/documents/${documentCodec.encode(link.id)}`,
      state,
    })
    documents.set(link.control_code, list)
  }
  return {
    mfaRequired: Boolean(Number(facts?.mfa_required ?? 0)) || facts?.mfa_required === true,
    vulnerabilities: Number(facts?.vulnerabilities ?? 0),
    overdue: Number(facts?.overdue ?? 0),
    statusChecks: evidence.filter((fact) => fact.kind === 'status_checks'),
    policyEnabled: policy.enabled,
    remediationSla: evidence.filter((fact) => fact.kind === 'vulnerability_sla'),
    documents,
  }
}

/**
 * The evidence facts the organisation's active connections publish,
 * asked of each plugin that declares `evidence`: the core names no
 * provider and reads no plugin's config itself.
 */
async function pluginEvidence(organizationId: number): Promise<EvidenceFact[]> {
  await pluginRegistry.load()
  const publishers = new Map(
    pluginRegistry
      .loaded()
      .filter((plugin) => plugin.definition.evidence)
      .map((plugin) => [plugin.id, plugin.definition.evidence!])
  )
  if (publishers.size === 0) return []
  const connections = await db
    .from('connections')
    .where('organization_id', organizationId)
    .whereIn('plugin_id', [...publishers.keys()])
    .where('status', 'active')
    .select('id', 'plugin_id', 'display_name', 'account_key', 'config')
    .orderBy('id')
  const connectionCodec = publicIds('connection')
  const facts = await Promise.all(
    connections.map((row) => {
      const config = typeof row.config === 'string' ? JSON.parse(row.config) : (row.config ?? {})
      return publishers.get(row.plugin_id)!({
        publicId: connectionCodec.encode(row.id),
        organizationId,
        displayName: row.display_name ?? row.account_key,
        config,
      })
    })
  )
  return facts.flat()
}

/** a control's status from the organisation's data, with one plain sentence and the evidence */
export function evaluateControl(
  kind: EvidenceKind,
  code: string,
  facts: OrganizationFacts
): Verdict {
  switch (kind) {
    case 'mfa':
      return facts.mfaRequired
        ? {
            status: 'met',
            detail: 'Two-factor authentication is required for every member.',
            evidence: [{ label: 'Organisation settings', href: '/settings/organization' }],
          }
        : {
            status: 'not_met',
            detail: 'Two-factor authentication is optional for members.',
            evidence: [{ label: 'Organisation settings', href: '/settings/organization' }],
          }
    case 'vulnerability_sla':
      // a scanner's own remediation SLAs (the organisation's deadlines) speak first
      if (facts.remediationSla.length > 0) {
        const evidence = facts.remediationSla.map(({ label, href }) => ({ label, href }))
        const failing = facts.remediationSla.filter((fact) => !fact.met).length
        return failing === 0
          ? {
              status: 'met',
              detail: 'Every open vulnerability is within its remediation SLA.',
              evidence,
            }
          : {
              status: 'not_met',
              detail: `${failing} ${failing === 1 ? 'connection reports' : 'connections report'} vulnerabilities past their remediation SLA.`,
              evidence,
            }
      }
      if (facts.vulnerabilities === 0) {
        return {
          status: 'no_data',
          detail: 'No vulnerability scanner has reported findings yet.',
          evidence: [],
        }
      }
      return facts.overdue === 0
        ? {
            status: 'met',
            detail: 'Every open vulnerability is within its fix deadline.',
            evidence: [{ label: 'Open vulnerabilities', href: '/insights/vulnerabilities' }],
          }
        : {
            status: 'not_met',
            detail: `${facts.overdue} open ${facts.overdue === 1 ? 'vulnerability is' : 'vulnerabilities are'} past the fix deadline.`,
            evidence: [{ label: 'Open vulnerabilities', href: '/insights/vulnerabilities' }],
          }
    case 'status_checks': {
      if (facts.statusChecks.length === 0) {
        return {
          status: 'no_data',
          detail: 'No connection reports pull request status checks.',
          evidence: [],
        }
      }
      const evidence = [
        {
          label: `AI code policy: status check ${facts.policyEnabled ? 'on' : 'off'}`,
          href: '/settings/ai-code-policy',
        },
        ...facts.statusChecks.map(({ label, href }) => ({ label, href })),
      ]
      if (!facts.policyEnabled) {
        return {
          status: 'not_met',
          detail: 'The AI code policy does not post the Sextant status check.',
          evidence,
        }
      }
      return facts.statusChecks.every((fact) => fact.met)
        ? {
            status: 'met',
            detail: 'The Sextant status check runs on every pull request.',
            evidence,
          }
        : {
            status: 'not_met',
            detail: 'A connection cannot post the Sextant status check.',
            evidence,
          }
    }
    case 'documents': {
      const cited = facts.documents.get(code) ?? []
      const evidence = cited.map(({ label, href }) => ({ label, href }))
      const accepted = cited.filter((one) => one.state === 'accepted').length
      if (accepted > 0) {
        return {
          status: 'met',
          detail: `${accepted} accepted ${accepted === 1 ? 'document' : 'documents'} cite this control.`,
          evidence,
        }
      }
      const submitted = cited.filter((one) => one.state === 'submitted').length
      const expired = cited.filter((one) => one.state === 'expired').length
      return {
        status: 'not_met',
        detail:
          submitted > 0
            ? `Needs evidence: ${submitted} ${submitted === 1 ? 'document awaits' : 'documents await'} review.`
            : expired > 0
              ? 'Needs evidence: the accepted evidence has expired.'
              : cited.length > 0
                ? 'Needs evidence: the cited documents were rejected.'
                : 'No uploaded document cites this control yet.',
        evidence,
      }
    }
  }
}

/**
 * The jurisdictions (all, or the one with this code), the standards that
 * apply in each and every control's status derived from the
 * organisation's data: four reference queries and four for the
 * organisation's facts, whatever the number of controls.
 */
export async function complianceOverview(
  organizationId: number,
  geographyCode?: string | null
): Promise<JurisdictionCompliance[]> {
  const geographyQuery = db
    .from('geographies')
    .select('id', 'code', 'name', 'region', 'summary', 'authorities')
    .orderBy('name')
  if (geographyCode) geographyQuery.where('code', geographyCode)
  const geographies = await geographyQuery
  if (geographies.length === 0) return []
  const links = await db
    .from('compliance_standard_geographies as l')
    .join('compliance_standards as s', 's.id', 'l.compliance_standard_id')
    .whereIn(
      'l.geography_id',
      geographies.map((geography) => geography.id)
    )
    .select('l.geography_id', 's.id', 's.code', 's.name', 's.description', 's.url')
    .orderBy('s.code')
  const standardIds = [...new Set(links.map((link) => link.id as number))]
  const controls = standardIds.length
    ? await db
        .from('compliance_controls')
        .whereIn('compliance_standard_id', standardIds)
        .select('compliance_standard_id', 'code', 'name', 'description', 'evidence_kind')
        .orderBy('position')
    : []
  const facts = await organizationFacts(organizationId)
  const evaluated = new Map<number, ControlEvaluation[]>()
  for (const control of controls) {
    const verdict = evaluateControl(control.evidence_kind, control.code, facts)
    const list = evaluated.get(control.compliance_standard_id) ?? []
    list.push({
      code: control.code,
      name: control.name,
      description: control.description,
      evidenceKind: control.evidence_kind,
      ...verdict,
    })
    evaluated.set(control.compliance_standard_id, list)
  }
  return geographies.map((geography) => ({
    code: geography.code,
    name: geography.name,
    region: geography.region,
    summary: geography.summary,
    authorities: JSON.parse(geography.authorities) as string[],
    standards: links
      .filter((link) => link.geography_id === geography.id)
      .map((link) => {
        const list = evaluated.get(link.id) ?? []
        return {
          code: link.code,
          name: link.name,
          description: link.description,
          url: link.url,
          controls: list,
          met: list.filter((control) => control.status === 'met').length,
          notMet: list.filter((control) => control.status === 'not_met').length,
          noData: list.filter((control) => control.status === 'no_data').length,
        }
      }),
  }))
}

/** the jurisdictions for a filter: code and name, by name (one query) */
export async function listGeographies(): Promise<Array<{ code: string; name: string }>> {
  return db.from('geographies').select('code', 'name').orderBy('name')
}

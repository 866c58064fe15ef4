import type { ConnectionHandle, DomainStore, HttpClient, VulnerabilityInput } from '#plugin-sdk'
import { SnykClient } from '../client.js'
import { organizationKey } from '../organization.js'
import type { Snyk } from '../types.js'
import {
  domainStatus,
  isSecurityIssue,
  issueDetails,
  projectIdOf,
  repositoryRefOf,
  severityOf,
  type IgnoreDetail,
  type ProjectTarget,
} from './mappers.js'
import { saveIssues, type Fence, type IssueRecord } from './records.js'

/** what writing issues needs, in a sync run or a webhook's project sync */
export type IssueWriter = {
  connection: ConnectionHandle
  http: HttpClient
  store: DomainStore
  targets: Map<string, ProjectTarget>
  /** v1 ignore details already read in this run, by project */
  ignores: Map<string, Snyk.Ignores>
}

/** the Snyk organisation a connection stands for */
export function snykOrgIdOf(connection: ConnectionHandle) {
  return String(connection.config.organization ?? connection.accountKey)
}

export function fenceOf(connection: ConnectionHandle): Fence {
  return {
    organizationId: organizationKey(connection.organizationPublicId),
    connectionPublicId: connection.publicId,
  }
}

function ignoreOf(ignores: Snyk.Ignores | undefined, key: string): IgnoreDetail | undefined {
  const rule = ignores?.[key]?.[0]
  const detail = rule ? Object.values(rule)[0] : undefined
  if (!detail) return undefined
  return { reason: detail.reason?.trim() || null, expiresAt: detail.expires ?? null }
}

/**
 * Writes one page of Snyk issues: the details into the plugin's table and
 * the security findings into the domain model, each attached through its
 * project's target to the repository any code provider knows (or kept for
 * an admin to map). Ignore reasons and expiries come from v1, one request
 * per project that has an ignored open issue in the page, once per run.
 */
export async function writeIssues(writer: IssueWriter, issues: Snyk.Issue[]) {
  const client = new SnykClient(writer.http)
  const orgId = snykOrgIdOf(writer.connection)
  const needIgnores = new Set(
    issues
      .filter((issue) => issue.attributes.ignored && issue.attributes.status === 'open')
      .map(projectIdOf)
      .filter((id): id is string => id !== null && !writer.ignores.has(id))
  )
  for (const projectId of needIgnores) {
    writer.ignores.set(projectId, await client.ignores(orgId, projectId))
  }

  const records: IssueRecord[] = []
  const findings: VulnerabilityInput[] = []
  for (const issue of issues) {
    const attributes = issue.attributes
    const projectId = projectIdOf(issue)
    const target = projectId ? writer.targets.get(projectId) : undefined
    const ignore = attributes.ignored
      ? ignoreOf(projectId ? writer.ignores.get(projectId) : undefined, attributes.key)
      : undefined
    const details = issueDetails(issue)
    const resolvedAt =
      attributes.status === 'resolved'
        ? (attributes.resolution?.resolved_at ?? attributes.updated_at)
        : null
    records.push({
      issueId: issue.id,
      issueKey: attributes.key,
      projectId,
      type: attributes.type,
      title: attributes.title,
      severity: attributes.effective_severity_level,
      cvssScore: details.cvssScore,
      cve: details.cve,
      cwe: details.cwe,
      exploitMaturity: details.exploitMaturity,
      fixable: details.fixable,
      status: attributes.status,
      ignored: attributes.ignored,
      ignoreReason: ignore?.reason ?? null,
      ignoreExpiresAt: ignore?.expiresAt ?? null,
      packageName: details.packageName,
      repositoryLabel: target?.targetUrl ?? target?.targetName ?? null,
      openedAt: attributes.created_at,
      resolvedAt,
      remoteUpdatedAt: attributes.updated_at,
    })
    if (!isSecurityIssue(issue)) continue
    findings.push({
      externalId: issue.id,
      repository: repositoryRefOf(target),
      title: attributes.title,
      severity: severityOf(attributes.effective_severity_level),
      identifier: details.identifier,
      packageName: details.packageName,
      status: domainStatus(issue, ignore),
      introducedAt: attributes.created_at,
      fixedAt: resolvedAt,
      remoteUpdatedAt: attributes.updated_at,
      exploitMaturity: details.exploitMaturity,
      fixAvailable: details.fixable,
    })
  }
  await saveIssues(fenceOf(writer.connection), records)
  await writer.store.upsertVulnerabilities(findings)
  return records.length
}

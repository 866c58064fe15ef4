import type { RepositoryRef, VulnerabilityInput } from '#plugin-sdk'
import type { Snyk } from '../types.js'

export type ProjectTarget = {
  projectId: string
  targetName: string | null
  targetUrl: string | null
}

export type IgnoreDetail = { reason: string | null; expiresAt: string | null }

export type SeverityLevel = VulnerabilityInput['severity']

/** Snyk's `info` has no place on the charts' four levels: it counts as low */
export function severityOf(level: string): SeverityLevel {
  return level === 'critical' || level === 'high' || level === 'medium' ? level : 'low'
}

/**
 * The repository a project scans, as the identity references name it: the
 * target's URL (any provider), else its `owner/name`. CLI and container
 * projects without either have no repository.
 */
export function repositoryRefOf(target: ProjectTarget | undefined): RepositoryRef | null {
  if (!target) return null
  if (target.targetUrl && /^https?:\/\//i.test(target.targetUrl)) return { url: target.targetUrl }
  if (target.targetName && target.targetName.includes('/')) {
    return { fullName: target.targetName.split(':')[0] }
  }
  return null
}

/** an ignore counts while it has a reason and has not expired */
export function ignoreHolds(detail: IgnoreDetail | undefined, now = Date.now()) {
  if (!detail?.reason) return false
  return !detail.expiresAt || new Date(detail.expiresAt).getTime() > now
}

export function issueDetails(issue: Snyk.Issue) {
  const attributes = issue.attributes
  const problems = attributes.problems ?? []
  const cve = problems.find((problem) => /^CVE-/i.test(problem.id))?.id ?? null
  const cwe = problems.find((problem) => /^CWE-/i.test(problem.id))?.id ?? null
  const snykId = problems.find((problem) => problem.source === 'SNYK')?.id ?? null
  const coordinates = attributes.coordinates ?? []
  const fixable = coordinates.some(
    (coordinate) =>
      coordinate.is_fixable_snyk ||
      coordinate.is_fixable_upstream ||
      coordinate.is_upgradeable ||
      coordinate.is_patchable ||
      coordinate.is_pinnable
  )
  const packageName =
    coordinates
      .flatMap((coordinate) => coordinate.representations ?? [])
      .map((representation) => representation.dependency?.package_name)
      .find(Boolean) ?? null
  const scores = (attributes.severities ?? [])
    .map((severity) => severity.score)
    .filter((score): score is number => typeof score === 'number')
  const maturity = attributes.exploit_details?.maturity_levels?.[0]?.level ?? null
  return {
    cve,
    cwe,
    identifier: cve ?? snykId ?? attributes.key,
    fixable,
    packageName,
    cvssScore: scores.length ? Math.max(...scores) : null,
    exploitMaturity: maturity && !/^no/i.test(maturity) ? maturity : null,
  }
}

/**
 * The domain status: resolved in Snyk is fixed; an ignore with a reason
 * that has not expired is ignored (off the open counts and SLAs);
 * anything else is open.
 */
export function domainStatus(
  issue: Snyk.Issue,
  ignore: IgnoreDetail | undefined,
  now = Date.now()
): VulnerabilityInput['status'] {
  if (issue.attributes.status === 'resolved') return 'fixed'
  if (issue.attributes.ignored && ignoreHolds(ignore, now)) return 'ignored'
  return 'open'
}

/** license findings are compliance, not security: they stay off the vulnerability charts */
export function isSecurityIssue(issue: Snyk.Issue) {
  return issue.attributes.type !== 'license'
}

export function projectIdOf(issue: Snyk.Issue): string | null {
  const scanItem = issue.relationships?.scan_item?.data
  return scanItem && scanItem.type === 'project' ? scanItem.id : null
}

import { DateTime } from 'luxon'
import { db, sqlTime } from '#plugin-sdk'
import type { ProjectTarget } from './mappers.js'

const BATCH = 200

export type Fence = { organizationId: number; connectionPublicId: string }

const at = (value: string | null | undefined) =>
  value ? sqlTime(DateTime.fromISO(value, { zone: 'utc' })) : null

/** insert or update rows of one of the plugin's tables by its unique key, in one transaction */
async function upsert(table: string, key: string, rows: Record<string, unknown>[]) {
  if (rows.length === 0) return
  const now = sqlTime()
  const unique = [...new Map(rows.map((row) => [row[key], row])).values()].sort((a, b) =>
    String(a[key]).localeCompare(String(b[key]))
  )
  const complete = unique.map((row) => ({ ...row, created_at: now, updated_at: now }))
  const merged = Object.keys(complete[0]).filter((column) => column !== 'created_at')
  const knex = db.connection().getWriteClient()
  await knex.transaction(async (trx) => {
    for (let start = 0; start < complete.length; start += BATCH) {
      await trx(table)
        .insert(complete.slice(start, start + BATCH))
        .onConflict(['organization_id', 'connection_public_id', key])
        .merge(merged)
    }
  })
}

export type ProjectRecord = ProjectTarget & {
  snykOrgId: string
  name: string
  type: string | null
  origin: string | null
  targetReference: string | null
  status: string | null
}

export function saveProjects(fence: Fence, projects: ProjectRecord[]) {
  return upsert(
    'snyk_projects',
    'project_id',
    projects.map((project) => ({
      organization_id: fence.organizationId,
      connection_public_id: fence.connectionPublicId,
      snyk_org_id: project.snykOrgId,
      project_id: project.projectId,
      name: project.name.slice(0, 512),
      type: project.type,
      origin: project.origin,
      target_name: project.targetName?.slice(0, 512) ?? null,
      target_url: project.targetUrl?.slice(0, 1024) ?? null,
      target_reference: project.targetReference?.slice(0, 255) ?? null,
      status: project.status,
    }))
  )
}

export async function projectTargets(fence: Fence): Promise<Map<string, ProjectTarget>> {
  const rows = await db
    .from('snyk_projects')
    .where('organization_id', fence.organizationId)
    .where('connection_public_id', fence.connectionPublicId)
    .select('project_id', 'target_name', 'target_url')
  return new Map(
    rows.map((row) => [
      row.project_id,
      { projectId: row.project_id, targetName: row.target_name, targetUrl: row.target_url },
    ])
  )
}

export type IssueRecord = {
  issueId: string
  issueKey: string
  projectId: string | null
  type: string
  title: string
  severity: string
  cvssScore: number | null
  cve: string | null
  cwe: string | null
  exploitMaturity: string | null
  fixable: boolean
  status: 'open' | 'resolved' | 'closed'
  ignored: boolean
  ignoreReason: string | null
  ignoreExpiresAt: string | null
  packageName: string | null
  repositoryLabel: string | null
  openedAt: string
  resolvedAt: string | null
  remoteUpdatedAt: string | null
}

export function saveIssues(fence: Fence, issues: IssueRecord[]) {
  return upsert(
    'snyk_issues',
    'issue_id',
    issues.map((issue) => ({
      organization_id: fence.organizationId,
      connection_public_id: fence.connectionPublicId,
      issue_id: issue.issueId,
      issue_key: issue.issueKey.slice(0, 255),
      project_id: issue.projectId,
      type: issue.type,
      title: issue.title.slice(0, 1024),
      severity: issue.severity,
      cvss_score: issue.cvssScore,
      cve: issue.cve,
      cwe: issue.cwe,
      exploit_maturity: issue.exploitMaturity,
      fixable: issue.fixable,
      status: issue.status,
      ignored: issue.ignored,
      ignore_reason: issue.ignoreReason?.slice(0, 1024) ?? null,
      ignore_expires_at: at(issue.ignoreExpiresAt),
      package_name: issue.packageName?.slice(0, 255) ?? null,
      repository_label: issue.repositoryLabel?.slice(0, 1024) ?? null,
      opened_at: at(issue.openedAt),
      resolved_at: at(issue.resolvedAt),
      remote_updated_at: at(issue.remoteUpdatedAt),
    }))
  )
}

/** the connection's issues still open here that a complete read of Snyk no longer lists */
export async function vanishedIssues(fence: Fence, seen: Set<string>) {
  const open = await db
    .from('snyk_issues')
    .where('organization_id', fence.organizationId)
    .where('connection_public_id', fence.connectionPublicId)
    .where('status', 'open')
    .select('*')
  return open.filter((row) => !seen.has(row.issue_id))
}

export async function closeIssues(fence: Fence, issueIds: string[]) {
  for (let start = 0; start < issueIds.length; start += BATCH) {
    await db
      .from('snyk_issues')
      .where('organization_id', fence.organizationId)
      .where('connection_public_id', fence.connectionPublicId)
      .whereIn('issue_id', issueIds.slice(start, start + BATCH))
      .update({ status: 'closed', resolved_at: sqlTime(), updated_at: sqlTime() })
  }
}

import { SnykClient } from '../client.js'
import { environment } from '../environment.js'
import type { Snyk } from '../types.js'
import { fromSqlTime, type SyncContext } from '#plugin-sdk'
import { repositoryRefOf, severityOf } from './mappers.js'
import { fenceOf, snykOrgIdOf, writeIssues } from './issues.js'
import {
  closeIssues,
  projectTargets,
  saveProjects,
  vanishedIssues,
  type ProjectRecord,
} from './records.js'

function projectRecord(orgId: string, project: Snyk.Project): ProjectRecord {
  const target = project.relationships?.target?.data
  return {
    snykOrgId: orgId,
    projectId: project.id,
    name: project.attributes.name,
    type: project.attributes.type ?? null,
    origin: project.attributes.origin ?? null,
    targetReference: project.attributes.target_reference ?? null,
    status: project.attributes.status ?? null,
    targetName: target?.attributes?.display_name ?? null,
    targetUrl: target?.attributes?.url ?? null,
  }
}

/**
 * One Snyk organisation's projects (every run: a page per 100) and its
 * issues, incrementally by `updated_after` from the newest change the last
 * run saw. A complete read (the first, every SNYK_COMPLETE_READ_DAYS, or
 * --full) also closes the issues Snyk no longer lists: they are marked
 * fixed, never deleted.
 */
export async function syncVulnerabilities(context: SyncContext) {
  const { connection } = context
  const orgId = snykOrgIdOf(connection)
  const client = new SnykClient(context.http)
  const fence = fenceOf(connection)

  let projects = 0
  for await (const page of client.projects(orgId)) {
    await saveProjects(
      fence,
      page.map((project) => projectRecord(orgId, project))
    )
    projects += page.length
    await context.progress(projects, null, 'projects')
  }

  // a complete read now and then (and on --full) closes what Snyk stopped listing
  const completeAt = await context.cursors.get('complete')
  const completeDue =
    !completeAt ||
    Date.now() - new Date(completeAt).getTime() >=
      environment.get('SNYK_COMPLETE_READ_DAYS') * 86_400_000
  const cursor = context.full || completeDue ? null : await context.cursors.get('issues')
  const startedAt = new Date().toISOString()
  const writer = {
    connection,
    http: context.http,
    store: context.store,
    targets: await projectTargets(fence),
    ignores: new Map<string, Snyk.Ignores>(),
  }
  const seen = new Set<string>()
  let newest = cursor
  for await (const page of client.issues(orgId, { updatedAfter: cursor })) {
    await writeIssues(writer, page)
    for (const issue of page) {
      seen.add(issue.id)
      if (!newest || issue.attributes.updated_at > newest) newest = issue.attributes.updated_at
    }
    await context.progress(seen.size, null, 'issues')
  }

  if (cursor === null) {
    const vanished = await vanishedIssues(fence, seen)
    if (vanished.length > 0) {
      const now = new Date()
      await closeIssues(
        fence,
        vanished.map((row) => row.issue_id)
      )
      await context.store.upsertVulnerabilities(
        vanished
          .filter((row) => row.type !== 'license')
          .map((row) => ({
            externalId: row.issue_id,
            repository: repositoryRefOf(writer.targets.get(row.project_id)),
            title: row.title,
            severity: severityOf(row.severity),
            status: 'fixed' as const,
            introducedAt: fromSqlTime(row.opened_at)!,
            fixedAt: now,
          }))
      )
    }
  }
  if (newest && newest !== cursor) await context.cursors.set('issues', newest)
  if (cursor === null) await context.cursors.set('complete', startedAt)
}

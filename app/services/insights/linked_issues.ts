import db from '@adonisjs/lucid/services/db'
import { endOfDay, selectRows, startOfDay } from '#services/insights/dialect'
import { repositoryClauses } from '#services/insights/scope'
import type { InsightScope } from '#services/insights/types'

export type LinkedIssue = {
  key: string
  title: string
  type: string
  status: string
  /** the sprint it is in (the active one, else the latest), when the tracker plans in sprints */
  sprint: string | null
  url: string | null
  pullRequests: number
}

/**
 * Issues (Jira's, or any tracker's) linked to pull requests opened in
 * the scope, through the issue keys those pull requests name: the most
 * recently worked on first, `limit` of them. One query.
 */
export async function linkedIssues(scope: InsightScope, limit = 20): Promise<LinkedIssue[]> {
  const bindings: Array<string | number> = [
    scope.organizationId,
    startOfDay(scope.from),
    endOfDay(scope.to),
  ]
  const fence = repositoryClauses(scope, 'p', bindings)
  const result = await db.rawQuery(
    `SELECT i.key AS issue_key, i.title AS title, i.type AS type, i.status AS status, i.sprint AS sprint, i.url AS url,
       COUNT(DISTINCT p.id) AS pulls, MAX(p.opened_at) AS latest
     FROM issue_pull_requests l
     JOIN pull_requests p ON p.id = l.pull_request_id AND p.organization_id = l.organization_id
     JOIN issues i ON i.id = l.issue_id AND i.organization_id = l.organization_id
     WHERE l.organization_id = ? AND p.opened_at >= ? AND p.opened_at < ?
       ${fence.map((clause) => `AND ${clause}`).join(' ')}
     GROUP BY i.id, i.key, i.title, i.type, i.status, i.sprint, i.url
     ORDER BY MAX(p.opened_at) DESC, i.key
     LIMIT ${Math.max(1, Math.floor(limit))}`,
    bindings
  )
  return selectRows(result).map((row) => ({
    key: String(row.issue_key),
    title: String(row.title),
    type: String(row.type),
    status: String(row.status),
    sprint: (row.sprint as string | null) ?? null,
    url: (row.url as string | null) ?? null,
    pullRequests: Number(row.pulls),
  }))
}

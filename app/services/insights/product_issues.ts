import db from '@adonisjs/lucid/services/db'
import { endOfDay, selectRows, startOfDay } from '#services/insights/dialect'
import { fromSqlTime } from '#services/sql'
import type { InsightScope } from '#services/insights/types'

/**
 * A product's issues: those of the issue-tracker projects and components
 * it is made of (product_issue_scopes), and those linked to pull
 * requests of its repositories (issue_pull_requests). Every query here is
 * fenced to the organisation and the product.
 */

/** the SQL condition keeping the product's issues (alias `alias` on issues) */
export function productIssueClause(
  scope: Pick<InsightScope, 'organizationId' | 'productId'>,
  alias: string,
  bindings: Array<string | number>
) {
  bindings.push(scope.organizationId, scope.organizationId, scope.productId!)
  const linked = `${alias}.id IN (SELECT l.issue_id FROM issue_pull_requests l
      JOIN pull_requests lp ON lp.id = l.pull_request_id AND lp.organization_id = l.organization_id
      WHERE l.organization_id = ? AND lp.repository_id IN
        (SELECT pr.repository_id FROM product_repositories pr WHERE pr.organization_id = ? AND pr.product_id = ?))`
  return `(${linked} OR ${productIssueScopeClause(scope, alias, bindings)})`
}

/** the SQL condition keeping the issues of the product's projects and components (alias `alias` on issues) */
export function productIssueScopeClause(
  scope: Pick<InsightScope, 'organizationId' | 'productId'>,
  alias: string,
  bindings: Array<string | number>
) {
  bindings.push(scope.organizationId, scope.productId!)
  return `EXISTS (SELECT 1 FROM product_issue_scopes s
      WHERE s.organization_id = ? AND s.product_id = ? AND s.project_key = ${alias}.project_key
        AND (s.component = '' OR ${alias}.components LIKE s.component_like ESCAPE '!'))`
}

export type ProductIssue = {
  key: string
  title: string
  type: string
  status: string
  sprint: string | null
  url: string | null
  openedAt: Date | null
  resolvedAt: Date | null
}

/**
 * The product's issues worked on in the period (open at some moment of
 * it), the most recently updated first, `limit` of them. One query.
 */
export async function productIssues(scope: InsightScope, limit = 50): Promise<ProductIssue[]> {
  const bindings: Array<string | number> = [scope.organizationId]
  const fence = productIssueClause(scope, 'i', bindings)
  bindings.push(endOfDay(scope.to), startOfDay(scope.from))
  const result = await db.rawQuery(
    `SELECT i.key AS issue_key, i.title AS title, i.type AS type, i.status AS status,
       i.sprint AS sprint, i.url AS url, i.opened_at AS opened_at, i.resolved_at AS resolved_at
     FROM issues i
     WHERE i.organization_id = ? AND ${fence}
       AND i.opened_at < ? AND (i.resolved_at IS NULL OR i.resolved_at >= ?)
     ORDER BY COALESCE(i.remote_updated_at, i.opened_at) DESC, i.key
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
    openedAt: fromSqlTime(row.opened_at),
    resolvedAt: fromSqlTime(row.resolved_at),
  }))
}

/** the product's issue projects and components, as the edit form lists them */
export async function productIssueScopes(organizationId: number, productId: number) {
  const rows: Array<{ project_key: string; component: string }> = await db
    .from('product_issue_scopes')
    .where('organization_id', organizationId)
    .where('product_id', productId)
    .orderBy(['project_key', 'component'])
    .select('project_key', 'component')
  return rows.map((row) => ({ projectKey: row.project_key, component: row.component || null }))
}

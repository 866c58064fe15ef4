import { addDays, daysInRange, today } from '#services/insights/dialect'
import type { Day, InsightScope } from '#services/insights/types'

/**
 * The WHERE clause that fences a query on a rollup table (alias `m`) to
 * a scope: always the organisation, then the day range, then one
 * product's repositories (through product_repositories of the same
 * organisation) or one repository.
 */
export function scopeWhere(
  scope: InsightScope,
  alias = 'm',
  range: { from: Day; to: Day } = scope
) {
  const clauses = [`${alias}.organization_id = ?`, `${alias}.day BETWEEN ? AND ?`]
  const bindings: Array<string | number> = [scope.organizationId, range.from, range.to]
  clauses.push(...repositoryClauses(scope, alias, bindings))
  return { sql: clauses.join(' AND '), bindings }
}

/** the product / repository part of a scope's fence, for any table with repository_id */
export function repositoryClauses(
  scope: InsightScope,
  alias: string,
  bindings: Array<string | number>
) {
  const clauses: string[] = []
  if (scope.productId) {
    clauses.push(
      `${alias}.repository_id IN (SELECT pr.repository_id FROM product_repositories pr WHERE pr.organization_id = ? AND pr.product_id = ?)`
    )
    bindings.push(scope.organizationId, scope.productId)
  }
  if (scope.repositoryId) {
    clauses.push(`${alias}.repository_id = ?`)
    bindings.push(scope.repositoryId)
  }
  return clauses
}

/** the same scope over the equally long period just before it */
export function previousPeriod(scope: InsightScope): InsightScope {
  const length = daysInRange(scope.from, scope.to)
  return { ...scope, from: addDays(scope.from, -length), to: addDays(scope.from, -1) }
}

/** the last `days` days up to and including `to` (default: today, UTC) */
export function lastDays(days: number, to: Day = today()): { from: Day; to: Day } {
  return { from: addDays(to, -(days - 1)), to }
}

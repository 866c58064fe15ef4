import db from '@adonisjs/lucid/services/db'
import { dayOf, endOfDay, secondsBetween, selectRows, startOfDay } from '#services/insights/dialect'
import { productIssueScopeClause } from '#services/insights/product_issues'
import { incidentRestored } from '#services/insights/rollup_sql'
import { dayZone, organizationTimeZone } from '#services/insights/time_zone'
import type { DurationRow } from '#services/insights/percentiles'
import type { RollupSums } from '#services/insights/rollup_sql'
import type { Day, InsightScope } from '#services/insights/types'

/**
 * The issues a product's KPIs (bug rate, time to restore) count beside
 * those of its repositories: issues of its issue-tracker projects and
 * components (product_issue_scopes) that none of its repositories owns.
 * The daily rollup counts an issue under its own repository, so a
 * product read from it sees only its repositories' issues; these are
 * the rest, read from the issues table and bucketed by the local day of
 * their opening exactly as the rollup does (rollup_sql.ts), so that an
 * issue both of a product repository and of a product project counts
 * once. The organisation's figures never read them.
 */
export type ScopedIssue = { day: Day; bug: boolean; restoreSeconds: number | null }

/** the product's scoped issues opened on the local days [from, to] (one query; none without a product) */
export async function productScopedIssues(
  scope: InsightScope,
  range: { from: Day; to: Day } = scope
): Promise<ScopedIssue[]> {
  if (!scope.productId || scope.repositoryId) return []
  const zoneName = await organizationTimeZone(scope.organizationId)
  const bindings: Array<string | number> = [
    scope.organizationId,
    startOfDay(range.from, zoneName),
    endOfDay(range.to, zoneName),
  ]
  const inScope = productIssueScopeClause(scope, 'p', bindings)
  bindings.push(scope.organizationId, scope.productId)
  const day = dayOf('p.opened_at', dayZone(zoneName, range.from, range.to))
  const result = await db.rawQuery(
    `SELECT ${day} AS day, p.type AS type,
       CASE WHEN ${incidentRestored} THEN ${secondsBetween('p.opened_at', 'p.resolved_at')} END AS restore_seconds
     FROM issues p
     WHERE p.organization_id = ? AND p.opened_at >= ? AND p.opened_at < ? AND ${inScope}
       AND (p.repository_id IS NULL OR p.repository_id NOT IN
         (SELECT pr.repository_id FROM product_repositories pr WHERE pr.organization_id = ? AND pr.product_id = ?))`,
    bindings
  )
  return selectRows(result).map((row) => ({
    day: String(row.day),
    bug: row.type === 'bug',
    // whole seconds, as the rollup's integer columns keep them
    restoreSeconds: row.restore_seconds === null ? null : Math.round(Number(row.restore_seconds)),
  }))
}

/** adds scoped issues to rollup sums, as the rollup's issue branch counts them */
export function addScopedIssues(sums: RollupSums, issues: ScopedIssue[]) {
  for (const issue of issues) {
    sums.issues_opened += 1
    if (issue.bug) sums.bugs_opened += 1
    if (issue.restoreSeconds !== null) {
      sums.restore_count += 1
      sums.restore_seconds += issue.restoreSeconds
    }
  }
  return sums
}

/** the scoped issues' restores as duration rows for the percentiles, keyed by `key` */
export function scopedRestoreRows(
  issues: ScopedIssue[],
  key: (day: Day) => string = () => ''
): DurationRow[] {
  return issues
    .filter((issue) => issue.restoreSeconds !== null)
    .map((issue) => ({
      key: key(issue.day),
      day: issue.day,
      metric: 'restore',
      seconds: issue.restoreSeconds!,
    }))
}

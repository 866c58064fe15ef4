import db from '@adonisjs/lucid/services/db'
import { endOfDay, selectRows, startOfDay } from '#services/insights/dialect'
import { productIssueClause } from '#services/insights/product_issues'
import { fromSqlTime } from '#services/sql'
import type { InsightScope } from '#services/insights/types'

/**
 * How a product's issues flowed: of those resolved in the period, the
 * issue cycle time (from the first move into an in-progress status to
 * the resolution), the lead time (creation to resolution) and the time
 * spent in each status, from their status history
 * (issue_status_transitions). Before its first recorded change an issue
 * was in the status that change left; time after the resolution does not
 * count. Work in progress: the product's issues in progress now.
 */

export type StatusTime = {
  status: string
  /** resolved issues that spent time in the status */
  issues: number
  medianHours: number
  totalHours: number
}

export type IssueFlow = {
  /** the product's issues in progress now (status category), whatever the period */
  inProgress: number
  resolved: number
  /** resolved issues with a move into an in-progress status (they have a cycle time) */
  withCycleTime: number
  cycleTimeMedianHours: number | null
  leadTimeMedianHours: number | null
  statuses: StatusTime[]
}

const BATCH = 500

function median(values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

const hours = (from: Date, to: Date) => Math.max(0, (to.getTime() - from.getTime()) / 3_600_000)
const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10)

type Transition = { at: Date; from: string | null; to: string; category: string | null }

/**
 * Whether a change starts the work: a move into an in-progress status,
 * or, where the tracker did not say the category of the status reached
 * (Jira gives only the current status's), the first move out of the
 * status the issue was created in.
 */
function startsWork(transition: Transition, initial: string | null) {
  if (transition.category) return transition.category === 'in_progress'
  return transition.to !== initial
}

/** the hours an issue spent in each status, and when it first started (in progress) */
export function timeline(openedAt: Date, resolvedAt: Date, transitions: Transition[]) {
  const spent = new Map<string, number>()
  let startedAt: Date | null = null
  let since = openedAt
  let current = transitions[0]?.from ?? null
  const initial = current
  for (const transition of transitions) {
    const at = transition.at > resolvedAt ? resolvedAt : transition.at
    if (current) spent.set(current, (spent.get(current) ?? 0) + hours(since, at))
    if (!startedAt && startsWork(transition, initial)) startedAt = transition.at
    current = transition.to
    since = at
  }
  if (current && since < resolvedAt) {
    spent.set(current, (spent.get(current) ?? 0) + hours(since, resolvedAt))
  }
  return { spent, startedAt }
}

export async function issueFlow(scope: InsightScope): Promise<IssueFlow> {
  const bindings: Array<string | number> = [scope.organizationId]
  const fence = productIssueClause(scope, 'i', bindings)
  bindings.push(startOfDay(scope.from), endOfDay(scope.to))
  const issues = selectRows(
    await db.rawQuery(
      `SELECT i.id AS id, i.opened_at AS opened_at, i.resolved_at AS resolved_at
       FROM issues i
       WHERE i.organization_id = ? AND ${fence} AND i.resolved_at >= ? AND i.resolved_at < ?`,
      bindings
    )
  )
  const openBindings: Array<string | number> = [scope.organizationId]
  const openFence = productIssueClause(scope, 'i', openBindings)
  const [open] = selectRows(
    await db.rawQuery(
      `SELECT COUNT(*) AS total FROM issues i
       WHERE i.organization_id = ? AND ${openFence} AND i.status_category = 'in_progress'`,
      openBindings
    )
  )
  const history = new Map<number, Transition[]>()
  const ids = issues.map((issue) => Number(issue.id))
  for (let start = 0; start < ids.length; start += BATCH) {
    const rows = await db
      .from('issue_status_transitions')
      .where('organization_id', scope.organizationId)
      .whereIn('issue_id', ids.slice(start, start + BATCH))
      .orderBy(['issue_id', 'transitioned_at', 'id'])
      .select('issue_id', 'transitioned_at', 'from_status', 'to_status', 'to_category')
    for (const row of rows) {
      const issueId = Number(row.issue_id)
      history.set(issueId, [
        ...(history.get(issueId) ?? []),
        {
          at: fromSqlTime(row.transitioned_at)!,
          from: row.from_status ?? null,
          to: row.to_status,
          category: row.to_category ?? null,
        },
      ])
    }
  }
  const cycle: number[] = []
  const lead: number[] = []
  const byStatus = new Map<string, number[]>()
  for (const issue of issues) {
    const openedAt = fromSqlTime(issue.opened_at)!
    const resolvedAt = fromSqlTime(issue.resolved_at)!
    lead.push(hours(openedAt, resolvedAt))
    const { spent, startedAt } = timeline(openedAt, resolvedAt, history.get(Number(issue.id)) ?? [])
    if (startedAt) cycle.push(hours(startedAt, resolvedAt))
    for (const [status, spentHours] of spent) {
      if (spentHours > 0) byStatus.set(status, [...(byStatus.get(status) ?? []), spentHours])
    }
  }
  const statuses = [...byStatus.entries()]
    .map(([status, values]) => ({
      status,
      issues: values.length,
      medianHours: round(median(values))!,
      totalHours: round(values.reduce((sum, value) => sum + value, 0))!,
    }))
    .sort((a, b) => b.totalHours - a.totalHours || a.status.localeCompare(b.status))
  return {
    inProgress: Number(open?.total ?? 0),
    resolved: issues.length,
    withCycleTime: cycle.length,
    cycleTimeMedianHours: round(median(cycle)),
    leadTimeMedianHours: round(median(lead)),
    statuses,
  }
}

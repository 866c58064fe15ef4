import db from '@adonisjs/lucid/services/db'
import { endOfDay, selectRows, startOfDay } from '#services/insights/dialect'
import { productIssueClause } from '#services/insights/product_issues'
import { fromSqlTime } from '#services/sql'
import type { InsightScope } from '#services/insights/types'

/**
 * What each sprint planned against what it finished, over a product's
 * issues: the sprints (Jira Software's, synced into `sprints`) that ran
 * during the period, newest first. An issue belongs to the sprint it
 * names (issues.sprint: the active one, else the latest it was in), so
 * an unfinished issue carried into the next sprint counts there, not in
 * the sprint it left. An issue counts as finished when it is done and was
 * resolved before the sprint was completed (any time, while the sprint
 * is active). Story points add up the issues that have them. One query.
 */

export type SprintProgress = {
  name: string
  board: string | null
  state: 'future' | 'active' | 'closed'
  startAt: Date | null
  endAt: Date | null
  completedAt: Date | null
  plannedIssues: number
  finishedIssues: number
  plannedPoints: number
  finishedPoints: number
}

export async function sprintProgress(scope: InsightScope, limit = 12): Promise<SprintProgress[]> {
  const bindings: Array<string | number> = [scope.organizationId]
  const fence = productIssueClause(scope, 'i', bindings)
  bindings.push(scope.organizationId, endOfDay(scope.to), startOfDay(scope.from))
  const finished = `i.status_category = 'done' AND i.resolved_at IS NOT NULL
    AND (s.completed_at IS NULL OR i.resolved_at <= s.completed_at)`
  const result = await db.rawQuery(
    `SELECT s.id AS id, s.name AS name, s.board_name AS board, s.state AS state,
       s.start_at AS start_at, s.end_at AS end_at, s.completed_at AS completed_at,
       COUNT(i.id) AS planned_issues,
       SUM(CASE WHEN ${finished} THEN 1 ELSE 0 END) AS finished_issues,
       SUM(COALESCE(i.story_points, 0)) AS planned_points,
       SUM(CASE WHEN ${finished} THEN COALESCE(i.story_points, 0) ELSE 0 END) AS finished_points
     FROM sprints s
     JOIN issues i ON i.organization_id = s.organization_id AND i.sprint = s.name
       AND i.organization_id = ? AND ${fence}
     WHERE s.organization_id = ? AND s.state <> 'future' AND s.start_at < ?
       AND (s.completed_at IS NULL OR s.completed_at >= ?)
     GROUP BY s.id, s.name, s.board_name, s.state, s.start_at, s.end_at, s.completed_at
     ORDER BY s.start_at DESC, s.name
     LIMIT ${Math.max(1, Math.floor(limit))}`,
    bindings
  )
  return selectRows(result).map((row) => ({
    name: String(row.name),
    board: (row.board as string | null) ?? null,
    state: row.state as SprintProgress['state'],
    startAt: fromSqlTime(row.start_at),
    endAt: fromSqlTime(row.end_at),
    completedAt: fromSqlTime(row.completed_at),
    plannedIssues: Number(row.planned_issues),
    finishedIssues: Number(row.finished_issues ?? 0),
    plannedPoints: Number(row.planned_points ?? 0),
    finishedPoints: Number(row.finished_points ?? 0),
  }))
}

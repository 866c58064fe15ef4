import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { selectRows } from '#services/insights/dialect'
import { flowAuthor, productionDeployment, readyForReview } from '#services/insights/rollup_sql'
import { repositoryClauses } from '#services/insights/scope'
import type { InsightScope } from '#services/insights/types'

/**
 * What the finished-work metrics leave out, as of now: pull requests of
 * people still waiting for a first review (open, not draft, not
 * reviewed), and failed production deployments not restored yet (open
 * incidents). Time to first review and time to restore only count what
 * finished, so a growing queue or an ongoing outage would otherwise make
 * them look better. One query, fenced to the organisation (and product
 * or repository) of the scope; the range does not apply.
 */
export type OpenWork = {
  waitingForReview: number
  /** hours since the oldest waiting pull request became ready for review (was opened, when opened ready) */
  oldestWaitingHours: number | null
  openIncidents: number
  /** hours since the oldest unrestored failed deployment started */
  oldestIncidentHours: number | null
}

function momentOf(value: unknown): DateTime | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return DateTime.fromJSDate(value, { zone: 'utc' })
  return DateTime.fromSQL(String(value), { zone: 'utc' })
}

function hoursSince(value: unknown, now: DateTime) {
  const moment = momentOf(value)
  if (!moment || !moment.isValid) return null
  return Math.max(0, Math.round(now.diff(moment, 'hours').hours * 10) / 10)
}

export async function openWork(
  scope: Omit<InsightScope, 'from' | 'to'>,
  now: DateTime = DateTime.utc()
): Promise<OpenWork> {
  const pullBindings: Array<string | number> = [scope.organizationId]
  const pullFence = repositoryClauses(scope as InsightScope, 'p', pullBindings)
  const deployBindings: Array<string | number> = [scope.organizationId]
  const deployFence = repositoryClauses(scope as InsightScope, 'd', deployBindings)
  const waiting = `FROM pull_requests p WHERE p.organization_id = ? AND p.state = 'open'
    AND p.merged_at IS NULL AND p.closed_at IS NULL AND p.first_review_at IS NULL AND NOT p.draft
    AND ${flowAuthor('p')} ${pullFence.map((clause) => `AND ${clause}`).join(' ')}`
  const incidents = `FROM deployments d WHERE d.organization_id = ? AND ${productionDeployment('d')}
    AND d.caused_failure AND d.restored_at IS NULL ${deployFence.map((clause) => `AND ${clause}`).join(' ')}`
  const result = await db.rawQuery(
    `SELECT (SELECT COUNT(*) ${waiting}) AS waiting, (SELECT MIN(${readyForReview('p')}) ${waiting}) AS oldest_waiting,
       (SELECT COUNT(*) ${incidents}) AS incidents, (SELECT MIN(d.started_at) ${incidents}) AS oldest_incident`,
    [...pullBindings, ...pullBindings, ...deployBindings, ...deployBindings]
  )
  const row = selectRows(result)[0] ?? {}
  return {
    waitingForReview: Number(row.waiting ?? 0),
    oldestWaitingHours: hoursSince(row.oldest_waiting, now),
    openIncidents: Number(row.incidents ?? 0),
    oldestIncidentHours: hoursSince(row.oldest_incident, now),
  }
}

import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { markInsightsDirty } from '#services/insights/refresh_marks'

/**
 * Marks the organisation's insights dirty from its first pull request or
 * commit: who counts as whom changed (a merge, a split, a mapped
 * repository), so every rolled-up day may count differently.
 */
export async function markAllActivityDirty(organizationId: number) {
  let earliest = DateTime.utc().toISODate()!
  for (const [table, column] of [
    ['pull_requests', 'opened_at'],
    ['commits', 'committed_at'],
    ['issues', 'opened_at'],
    ['deployments', 'started_at'],
  ]) {
    const row = await db
      .from(table)
      .where('organization_id', organizationId)
      .min(`${column} as first`)
      .first()
    const first = row?.first
    const day =
      first instanceof Date
        ? DateTime.fromJSDate(first).toUTC().toISODate()
        : typeof first === 'string'
          ? first.slice(0, 10)
          : null
    if (day && day < earliest) earliest = day
  }
  await markInsightsDirty(organizationId, earliest)
}

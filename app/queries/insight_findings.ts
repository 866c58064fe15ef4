import db from '@adonisjs/lucid/services/db'
import { cachedInsight } from '#services/insights/cache'

export type StoredFinding = {
  day: string
  metric: string
  from: string
  to: string
  direction: 'up' | 'down'
  summary: string
  /** the chat model's explanation (model-written: shown as such), and the model */
  narrative: string | null
  narrativeModel: string | null
  repositories: Array<{ repository: string; value: number; expected: number; change: number }>
}

/**
 * The findings about days in [from, to] (inclusive) of the latest
 * contextualisation run that looked at them: each run re-reads the
 * trailing days, so the latest holds the current view of the period.
 */
export async function latestFindings(organizationId: number, range: { from: string; to: string }) {
  // one statement: the Executive Summary counts its queries
  const rows = await db
    .from('insight_findings')
    .where('organization_id', organizationId)
    .whereBetween('anomaly_day', [range.from, range.to])
    .where(
      'day',
      db
        .from('insight_findings')
        .where('organization_id', organizationId)
        .whereBetween('anomaly_day', [range.from, range.to])
        .max('day')
    )
    .orderBy('score', 'desc')
    .orderBy('id')
  return rows.map((row): StoredFinding => {
    const evidence = JSON.parse(row.evidence) as {
      to: string
      direction: 'up' | 'down'
      repositories: StoredFinding['repositories']
    }
    return {
      day: row.day,
      metric: row.metric,
      from: row.anomaly_day,
      to: evidence.to,
      direction: evidence.direction,
      summary: row.summary,
      narrative: row.narrative,
      narrativeModel: row.narrative ? row.narrative_model : null,
      repositories: evidence.repositories,
    }
  })
}

/**
 * The Executive Summary's "What changed": the latest findings, cached
 * with the organisation's other dashboard fragments (a contextualisation
 * run drops them), so a page view reads no table for them.
 */
export function whatChanged(organizationId: number, range: { from: string; to: string }) {
  return cachedInsight(organizationId, 'what-changed', { from: range.from, to: range.to }, () =>
    latestFindings(organizationId, range)
  )
}

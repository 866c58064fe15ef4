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
  /** why the model wrote nothing for it (a short, user-fit line), or null */
  narrativeError: string | null
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
      narrativeError: row.narrative ? null : shortReason(row.narrative_error),
      repositories: evidence.repositories,
    }
  })
}

/**
 * A stored failure as the page shows it: its first line, no address (a
 * URL could name an internal host or carry a query string), at most 160
 * characters. The stored reasons are already written for people (the
 * model's name and the class of failure); this keeps an unexpected one
 * (a driver's message, say) from spilling onto the page whole.
 */
export function shortReason(stored: string | null | undefined): string | null {
  const line = String(stored ?? '')
    .split('\n')[0]
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, 'its server')
    .replace(/\s+/g, ' ')
    .trim()
    // the page ends the sentence itself
    .replace(/[.\s]+$/, '')
  if (!line) return null
  return line.length > 160 ? `${line.slice(0, 159).trimEnd()}…` : line
}

/**
 * The model's failures among `findings`, by the run day they were
 * stored for: one line each on "What changed", the reasons told once.
 */
export function narrativeFailures(findings: StoredFinding[]) {
  const byDay = new Map<string, { day: string; count: number; reasons: string[] }>()
  for (const finding of findings) {
    if (!finding.narrativeError) continue
    const entry = byDay.get(finding.day) ?? { day: finding.day, count: 0, reasons: [] }
    entry.count++
    if (!entry.reasons.includes(finding.narrativeError)) entry.reasons.push(finding.narrativeError)
    byDay.set(finding.day, entry)
  }
  return [...byDay.values()].map((entry) => {
    const total = findings.filter((finding) => finding.day === entry.day).length
    return { ...entry, total, unexplained: unexplainedFindings(entry.count, total) }
  })
}

/** what the model could not explain, as the page and the digest say it */
function unexplainedFindings(count: number, total: number) {
  if (count !== total) return `${count} of these ${total} findings`
  return total === 1 ? 'this finding' : 'these findings'
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

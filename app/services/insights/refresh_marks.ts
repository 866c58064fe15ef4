import db from '@adonisjs/lucid/services/db'
import { engine } from '#services/insights/dialect'
import { sqlTime } from '#services/sql'
import type { Day } from '#services/insights/types'

/**
 * "Insights dirty" marks: one row per organisation whose domain rows
 * changed since its rollup was last refreshed, with the earliest UTC day
 * those rows are bucketed on. Writing one is a single upsert, cheap
 * enough for every store write of a webhook delivery.
 */
export type RefreshMark = { organizationId: number; dirtyFrom: Day; version: number }

/**
 * Marks the organisation dirty from `day` on (or from its earlier mark).
 * The version grows with every mark, so a refresh that read version n
 * and finished knows whether anything was written meanwhile.
 */
export async function markInsightsDirty(organizationId: number, day: Day) {
  const table = 'insight_refresh_marks'
  const incoming = engine() === 'mysql' ? 'VALUES(dirty_from)' : 'excluded.dirty_from'
  await db
    .knexQuery()
    .table(table)
    .insert({ organization_id: organizationId, dirty_from: day, version: 1, marked_at: sqlTime() })
    .onConflict('organization_id')
    .merge({
      dirty_from: db.knexRawQuery(
        `CASE WHEN ${incoming} < ${table}.dirty_from THEN ${incoming} ELSE ${table}.dirty_from END`
      ),
      version: db.knexRawQuery(`${table}.version + 1`),
      marked_at: sqlTime(),
    })
}

export async function refreshMark(organizationId: number): Promise<RefreshMark | null> {
  const row = await db
    .from('insight_refresh_marks')
    .where('organization_id', organizationId)
    .first()
  return row ? { organizationId, dirtyFrom: row.dirty_from, version: Number(row.version) } : null
}

/**
 * Clears the mark a refresh read, unless a write marked the organisation
 * again meanwhile (a newer version): that write may have come after the
 * rollup read the rows, so the mark stays for the next refresh.
 */
export async function clearRefreshMark(mark: RefreshMark) {
  await db
    .from('insight_refresh_marks')
    .where('organization_id', mark.organizationId)
    .where('version', mark.version)
    .delete()
}

/** organisations marked dirty, oldest mark first */
export async function dirtyOrganizations(): Promise<number[]> {
  const rows = await db
    .from('insight_refresh_marks')
    .orderBy('marked_at')
    .orderBy('organization_id')
    .select('organization_id')
  return rows.map((row) => Number(row.organization_id))
}

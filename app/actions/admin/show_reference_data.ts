import db from '@adonisjs/lucid/services/db'
import AuditEvent from '#models/audit_event'

const COUNTED_TABLES = {
  referenceMetrics: 'reference_metrics',
  referenceRecords: 'reference_records',
  geographies: 'geographies',
  standards: 'compliance_standards',
  controls: 'compliance_controls',
} as const

export type ReferenceDataCounts = Record<keyof typeof COUNTED_TABLES, number>

/**
 * What the shared reference data holds (one count per table, in one
 * query) and the last import made from the admin page or an ace command.
 */
export default class ShowReferenceData {
  async execute() {
    const counts = db.query()
    for (const [name, table] of Object.entries(COUNTED_TABLES)) {
      counts.select(db.from(table).count('*').as(name))
    }
    const row = (await counts.first()) ?? {}
    const lastImport = await AuditEvent.query()
      .where('event', 'reference_data.imported')
      .preload('actor')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .first()
    return {
      counts: Object.fromEntries(
        Object.keys(COUNTED_TABLES).map((name) => [name, Number(row[name] ?? 0)])
      ) as ReferenceDataCounts,
      lastImport,
    }
  }
}

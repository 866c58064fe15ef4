import db from '@adonisjs/lucid/services/db'
import { parseDelimited, recordsOf } from '#services/insights/delimited'
import { ImportRefusedException } from '#services/insights/import_errors'
import { invalidateAllInsights } from '#services/insights/cache'
import { SCORE_METRICS, SCORE_METRIC_KEYS } from '#services/insights/scores'
import { sqlTime } from '#services/sql'
import type { ScoreMetricKey } from '#services/insights/types'

export const REFERENCE_METRIC_COLUMNS = ['key', 'name', 'unit', 'direction', 'weight'] as const
export const REFERENCE_RECORD_COLUMNS = ['metric', 'peer', 'value'] as const

type MetricRow = {
  key: ScoreMetricKey
  name: string
  unit: string
  direction: 'lower' | 'higher'
  weight: number
}
type RecordRow = { metric: ScoreMetricKey; peer: string; value: number }
type Parsed = { kind: 'metrics'; rows: MetricRow[] } | { kind: 'records'; rows: RecordRow[] }

export type ReferenceFile = { file: string; content: string }

/**
 * Imports reference data from CSV files of two kinds, told apart by
 * their header: reference metrics (key,name,unit,direction,weight),
 * upserted by key, and reference records (metric,peer,value), which
 * replace all records of the metrics they name. All files are validated
 * first and written in one transaction, in the order given.
 */
export default class ImportReferenceData {
  async execute(files: ReferenceFile[]) {
    const parsed = files.map((file) => ({ file: file.file, ...this.#parse(file) }))
    const summary = { metrics: 0, records: 0 }
    await db.transaction(async (trx) => {
      const now = sqlTime()
      for (const entry of parsed) {
        if (entry.kind === 'metrics') {
          for (const row of entry.rows) {
            const values = {
              name: row.name,
              unit: row.unit,
              direction: row.direction,
              weight: row.weight,
              updated_at: now,
            }
            const updated = await trx.from('reference_metrics').where('key', row.key).update(values)
            if (!Number(Array.isArray(updated) ? updated[0] : updated)) {
              await trx
                .table('reference_metrics')
                .insert({ key: row.key, ...values, created_at: now })
            }
          }
          summary.metrics += entry.rows.length
          continue
        }
        const metricIds = new Map<string, number>()
        for (const key of new Set(entry.rows.map((row) => row.metric))) {
          let metric = await trx.from('reference_metrics').where('key', key).select('id').first()
          if (!metric) {
            // a records file may come alone: the metric takes its built-in definition
            const definition = SCORE_METRICS[key]
            await trx.table('reference_metrics').insert({
              key,
              name: definition.name,
              unit: definition.unit,
              direction: definition.direction,
              weight: definition.weight,
              created_at: now,
              updated_at: now,
            })
            metric = await trx
              .from('reference_metrics')
              .where('key', key)
              .select('id')
              .firstOrFail()
          }
          metricIds.set(key, metric.id)
          await trx.from('reference_records').where('reference_metric_id', metric.id).delete()
        }
        for (let start = 0; start < entry.rows.length; start += 500) {
          await trx.table('reference_records').multiInsert(
            entry.rows.slice(start, start + 500).map((row) => ({
              reference_metric_id: metricIds.get(row.metric)!,
              peer: row.peer,
              value: row.value,
            }))
          )
        }
        summary.records += entry.rows.length
      }
    })
    await invalidateAllInsights()
    return summary
  }

  #parse({ file, content }: ReferenceFile): Parsed {
    const parsed = parseDelimited(file, content)
    if (parsed.header.includes('key')) {
      const rows = recordsOf(file, parsed, REFERENCE_METRIC_COLUMNS).map((record): MetricRow => {
        const row = record.values
        if (!SCORE_METRIC_KEYS.includes(row.key as ScoreMetricKey)) {
          throw record.error('key', `unknown metric; one of ${SCORE_METRIC_KEYS.join(', ')}`)
        }
        if (!row.name || row.name.length > 120)
          throw record.error('name', 'a name is 1 to 120 characters')
        if (!row.unit || row.unit.length > 32)
          throw record.error('unit', 'a unit is 1 to 32 characters')
        if (row.direction !== 'lower' && row.direction !== 'higher') {
          throw record.error('direction', 'direction is "lower" or "higher" (which is better)')
        }
        const weight = Number(row.weight)
        if (row.weight === '' || !Number.isFinite(weight) || weight < 0 || weight > 100) {
          throw record.error('weight', 'a weight is a number from 0 to 100')
        }
        return {
          key: row.key as ScoreMetricKey,
          name: row.name,
          unit: row.unit,
          direction: row.direction as MetricRow['direction'],
          weight,
        }
      })
      return { kind: 'metrics', rows }
    }
    if (parsed.header.includes('metric')) {
      const seen = new Set<string>()
      const rows = recordsOf(file, parsed, REFERENCE_RECORD_COLUMNS).map((record) => {
        const row = record.values
        if (!SCORE_METRIC_KEYS.includes(row.metric as ScoreMetricKey)) {
          throw record.error('metric', `unknown metric; one of ${SCORE_METRIC_KEYS.join(', ')}`)
        }
        if (!/^[\w.-]{1,64}$/.test(row.peer)) {
          throw record.error('peer', 'a peer label is 1 to 64 letters, digits, ".", "_" or "-"')
        }
        if (seen.has(`${row.metric}/${row.peer}`))
          throw record.error('peer', `${row.peer} appears twice for ${row.metric}`)
        seen.add(`${row.metric}/${row.peer}`)
        const value = Number(row.value)
        if (row.value === '' || !Number.isFinite(value)) throw record.error('value', 'not a number')
        return { metric: row.metric as ScoreMetricKey, peer: row.peer, value }
      })
      return { kind: 'records', rows }
    }
    throw new ImportRefusedException(
      file,
      { line: 1 },
      `the header is neither ${REFERENCE_METRIC_COLUMNS.join(',')} nor ${REFERENCE_RECORD_COLUMNS.join(',')}`
    )
  }
}

import { DateTime } from 'luxon'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { DurationMetric } from '#services/insights/types'
import type { RollupColumn } from '#services/insights/rollup_sql'

/** one duration measured in code rather than SQL, on the local day of `moment` */
export type Measured = { repositoryId: number | null; moment: Date; seconds: number }

/**
 * Writes durations measured in code (lead time per commit, first review
 * in working hours) beside the SQL's rows: one daily row per repository
 * and local day with their count and sum (readers sum the rows of a
 * day), and one insight_durations row each for the percentiles.
 */
export async function insertMeasured(
  trx: TransactionClientContract,
  input: {
    organizationId: number
    zoneName: string
    metric: DurationMetric
    countColumn: RollupColumn
    secondsColumn: RollupColumn
    measured: Measured[]
  }
) {
  if (input.measured.length === 0) return
  const durations = input.measured.map((one) => ({
    organization_id: input.organizationId,
    repository_id: one.repositoryId,
    day: DateTime.fromJSDate(one.moment).setZone(input.zoneName).toISODate()!,
    metric: input.metric,
    seconds: one.seconds,
  }))
  const daily = new Map<string, Record<string, number | string | null>>()
  for (const row of durations) {
    const key = `${row.repository_id}:${row.day}`
    const sum = daily.get(key) ?? {
      organization_id: input.organizationId,
      repository_id: row.repository_id,
      day: row.day,
      [input.countColumn]: 0,
      [input.secondsColumn]: 0,
    }
    sum[input.countColumn] = Number(sum[input.countColumn]) + 1
    sum[input.secondsColumn] = Number(sum[input.secondsColumn]) + row.seconds
    daily.set(key, sum)
  }
  for (const [table, rows] of [
    ['insight_durations', durations],
    ['insight_daily_metrics', [...daily.values()]],
  ] as const) {
    for (let index = 0; index < rows.length; index += 500) {
      await trx
        .insertQuery()
        .table(table)
        .multiInsert(rows.slice(index, index + 500))
    }
  }
}

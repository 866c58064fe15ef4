import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import lock from '@adonisjs/lock/services/main'
import {
  addDays,
  endOfDay,
  engine,
  selectRows,
  startOfDay,
  today,
} from '#services/insights/dialect'
import { dayZone, organizationTimeZone } from '#services/insights/time_zone'
import {
  contributorsInsertSql,
  durationsInsertSql,
  incidentWindowHours,
  rollupInsertSql,
} from '#services/insights/rollup_sql'
import { incidentCauses, replaceIncidentCauses } from '#services/insights/incident_causes'
import { insightsWriteLock } from '#services/insights/cache'
import { leadTimesOf, shippedCommits, toDate } from '#services/insights/commit_lead_times'
import { firstReviewsInWorkingHours } from '#services/insights/first_review_working_hours'
import { insertMeasured } from '#services/insights/measured_rows'
import type { Day } from '#services/insights/types'

/** the tables a rollup reads its events from */
const ROLLUP_SOURCES = ['pull_requests', 'deployments', 'issues', 'commits', 'deployment_incidents']

export type RollUpResult = { from: Day; to: Day; metricRows: number; contributorRows: number }

/**
 * Rebuilds one organisation's daily rollup (insight_daily_metrics,
 * insight_daily_contributors and insight_durations) for a range of the organisation's local days (its time zone, UTC by default), or for its whole
 * history: delete the range, then one INSERT … SELECT … GROUP BY per
 * table, inside one transaction, so readers see the old rows or the new
 * ones and running it twice gives the same rows.
 *
 * Pull-request rows are bucketed by their merge day but their deploy
 * phase depends on later deployments, so a range must reach back to the
 * merges a newer deployment may have set: RefreshInsights works out that
 * window after a sync or webhook writes; the default is the whole history.
 * The deployments linked incidents name as their cause are worked out
 * first (incident_causes.ts) and reach the range back to the day of any
 * deployment that gained or lost one, however old: a link is written
 * when a pull request, commit or issue is, with no way to tell which
 * deployment's day it changes.
 */
export default class RollUpMetrics {
  /**
   * Two rebuilds of one organisation (two connections finishing their
   * syncs at once) take turns: interleaved delete-then-insert
   * transactions would otherwise both insert their rows.
   */
  async execute(input: { organizationId: number; from?: Day; to?: Day }): Promise<RollUpResult> {
    const [acquired, result] = await lock
      .createLock(insightsWriteLock(input.organizationId), '10m')
      .run(() => this.#rollUp(input))
    if (!acquired) throw new Error('The insights rollup of this organisation is busy')
    return result
  }

  async #rollUp(input: { organizationId: number; from?: Day; to?: Day }): Promise<RollUpResult> {
    const zoneName = await organizationTimeZone(input.organizationId)
    let from = input.from ?? (await this.#firstDay(input.organizationId, zoneName))
    const to = input.to ?? addDays(today(undefined, zoneName), 1)
    const org = input.organizationId
    // the whole history reads every source row at once, usually right
    // after they were written in bulk (a first sync, demo data): planned
    // without statistics, PostgreSQL joined each production deployment
    // to every incident (11.5 s of 64 million comparisons at 100,000 pull
    // requests) instead of one index range each (0.4 s). ANALYZE samples
    // each table (1.3 s for the five at that size); before the
    // transaction, so it holds no lock while the rows are written.
    if (input.from === undefined && input.to === undefined && engine() === 'postgres') {
      await db.rawQuery(`ANALYZE ${ROLLUP_SOURCES.join(', ')}`)
    }
    return db.transaction(async (trx) => {
      // which commits each deployment shipped, for lead times and for the
      // deployments linked incidents name (written first: a deployment
      // that gained or lost a cause is counted again, however old its day)
      const shipped = await shippedCommits(trx, org, endOfDay(to, zoneName))
      const causes = await incidentCauses(trx, org, shipped)
      const changed = await replaceIncidentCauses(trx, org, causes, incidentWindowHours())
      if (changed) {
        const day = DateTime.fromJSDate(changed).setZone(zoneName).toISODate()!
        if (day < from) from = day
      }
      // the local days' moments, as a half-open UTC range
      const start = startOfDay(from, zoneName)
      const end = endOfDay(to, zoneName)
      const zone = dayZone(zoneName, from, to)
      // the whole history replaces every row (days of another time zone included)
      const whole = input.from === undefined && input.to === undefined
      for (const table of [
        'insight_daily_metrics',
        'insight_daily_contributors',
        'insight_durations',
      ]) {
        const rows = trx.from(table).where('organization_id', org)
        if (!whole) rows.whereBetween('day', [from, to])
        await rows.delete()
      }
      const rollup = rollupInsertSql(zone)
      await trx.rawQuery(rollup.sql, rollup.bindings(org, start, end))
      await trx.rawQuery(contributorsInsertSql(zone), [org, org, start, end, org, start, end, org])
      const durations = durationsInsertSql(zone)
      await trx.rawQuery(durations.sql, durations.bindings(org, start, end))
      // durations measured in code, beside the SQL's rows
      const startsAt = toDate(start)!.getTime()
      const leadTimes = leadTimesOf(shipped)
      await insertMeasured(trx, {
        organizationId: org,
        zoneName,
        metric: 'lead_time',
        countColumn: 'lead_time_count',
        secondsColumn: 'lead_time_seconds',
        measured: leadTimes
          .filter((one) => one.deployedAt.getTime() >= startsAt)
          .map((one) => ({
            repositoryId: one.repositoryId,
            moment: one.deployedAt,
            seconds: one.seconds,
          })),
      })
      await insertMeasured(trx, {
        organizationId: org,
        zoneName,
        metric: 'first_review',
        countColumn: 'first_review_count',
        secondsColumn: 'first_review_seconds',
        measured: await firstReviewsInWorkingHours(trx, org, { start, end }),
      })
      // a whole history writes most of the table at once (614,000 rows
      // at 100,000 pull requests): PostgreSQL's statistics still describe
      // the table before, and with them the percentiles' rank walks
      // (ranked_percentiles.ts) were planned as sorts of every row until
      // autovacuum came by. ANALYZE samples the table (0.4 s at that size)
      // and counts this transaction's rows.
      if (whole && engine() === 'postgres') await trx.rawQuery('ANALYZE insight_durations')
      const counted = async (table: string) => {
        const row = await trx
          .from(table)
          .where('organization_id', org)
          .whereBetween('day', [from, to])
          .count('* as total')
          .first()
        return Number(row?.total ?? 0)
      }
      return {
        from,
        to,
        metricRows: await counted('insight_daily_metrics'),
        contributorRows: await counted('insight_daily_contributors'),
      }
    })
  }

  /** the local day of the organisation's oldest pull request, commit, issue or deployment */
  async #firstDay(organizationId: number, zone: string): Promise<Day> {
    const sources: Array<[string, string]> = [
      ['pull_requests', 'opened_at'],
      ['commits', 'committed_at'],
      ['issues', 'opened_at'],
      ['deployments', 'started_at'],
    ]
    const parts = sources.map(
      ([table, column]) => `SELECT MIN(${column}) AS first FROM ${table} WHERE organization_id = ?`
    )
    const result = await db.rawQuery(
      `SELECT MIN(first) AS first FROM (${parts.join(' UNION ALL ')}) s`,
      sources.map(() => organizationId)
    )
    const first = selectRows<{ first: unknown }>(result)[0]?.first
    if (!first) return today(undefined, zone)
    const moment = first instanceof Date ? first : new Date(`${String(first).replace(' ', 'T')}Z`)
    return DateTime.fromJSDate(moment).setZone(zone).toISODate()!
  }
}

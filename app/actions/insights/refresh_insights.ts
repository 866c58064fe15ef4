import { type DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { organizationTimeZone } from '#services/insights/time_zone'
import RollUpMetrics, { type RollUpResult } from '#actions/insights/roll_up_metrics'
import { invalidateInsights } from '#services/insights/cache'
import { addDays, selectRows, startOfDay, today } from '#services/insights/dialect'
import { productionDeployment } from '#services/insights/rollup_sql'
import { clearRefreshMark, refreshMark } from '#services/insights/refresh_marks'
import type { Day } from '#services/insights/types'

/**
 * Days an incremental refresh always rolls up, today included: the
 * 30-day range the pages open on, with margin.
 */
export const RECENT_WINDOW_DAYS = 35

export type RefreshResult = RollUpResult & { full: boolean }

function dayOfMoment(value: unknown): Day | null {
  if (value === null || value === undefined || value === '') return null
  // PostgreSQL answers a Date; SQLite and MySQL the UTC text the store wrote
  const moment = value instanceof Date ? value : new Date(`${String(value).replace(' ', 'T')}Z`)
  return Number.isNaN(moment.getTime()) ? null : moment.toISOString().slice(0, 10)
}

/**
 * Brings one organisation's daily rollup up to date and drops its cached
 * fragments: after a sync run, and every few minutes for organisations
 * that webhooks marked dirty. `full` rebuilds the whole history (a
 * `--full` sync, the daily schedule); otherwise only a window of days
 * is rebuilt, which is exact, for these reasons:
 *
 * - The rollup buckets every event on the UTC day of its own moment
 *   (opened, first review, merged, committed, started) and a range of
 *   days is rebuilt from the raw rows, so rebuilding [from, today] is
 *   exact for every event bucketed in it; days before `from` are left
 *   as they were, which is right as long as none of their events changed.
 * - Which events changed is known: every write through the domain store
 *   reports the earliest day its rows are bucketed on, kept in the
 *   organisation's dirty mark (refresh_marks.ts) or, by a sync run, in
 *   `writtenFrom`, so a first sync, a backfill or a late webhook about
 *   an old pull request widens the window to it.
 * - One bucket depends on rows of other days: a merged pull request's
 *   deploy and lead time use the first production deployment at or
 *   after the merge. Deployments written since the last refresh start
 *   on or after the written day, so they can only change that for pull
 *   requests of their repository with no production deployment between
 *   the merge and that day: the window reaches back to the earliest
 *   such merge (a deployment that stopped counting, say now failed,
 *   still has its row, so its repository is found too).
 * - The window is never shorter than RECENT_WINDOW_DAYS: the range the
 *   pages open on is always rebuilt from the raw rows, whatever wrote
 *   them.
 *
 * The mark read at the start is cleared at the end unless a write marked
 * the organisation again meanwhile.
 */
export default class RefreshInsights {
  async execute(input: {
    organizationId: number
    full?: boolean
    /** the earliest day a sync run wrote rows on (it marks nothing while it runs) */
    writtenFrom?: Day
    now?: DateTime
  }): Promise<RefreshResult> {
    const { organizationId } = input
    const mark = await refreshMark(organizationId)
    let from: Day | undefined
    if (!input.full) {
      const written = [mark?.dirtyFrom, input.writtenFrom]
        .filter((day): day is Day => day !== undefined)
        .sort()[0]
      const recent = addDays(today(input.now), -(RECENT_WINDOW_DAYS - 1))
      from = written && written < recent ? written : recent
      if (written) from = await this.#awaitingDeploymentFrom(organizationId, from, written)
    }
    // marks and the window are UTC days; a local day is at most one day
    // off, so a zone other than UTC widens the window by a day each side
    const local = (await organizationTimeZone(organizationId)) !== 'UTC'
    const result = await new RollUpMetrics().execute({
      organizationId,
      from: from && local ? addDays(from, -1) : from,
      to: from ? addDays(today(input.now), local ? 2 : 1) : undefined,
    })
    if (mark) await clearRefreshMark(mark)
    await invalidateInsights(organizationId)
    return { ...result, full: from === undefined }
  }

  /**
   * `from`, or the day of the earliest pull request merged before it
   * whose deploy time a deployment written since `written` may have
   * changed: one in a repository with a deployment row starting on or
   * after `written`, and no production deployment between its merge and
   * `written`.
   */
  async #awaitingDeploymentFrom(organizationId: number, from: Day, written: Day): Promise<Day> {
    const since = startOfDay(written)
    const result = await db.rawQuery(
      `SELECT MIN(p.merged_at) AS first FROM pull_requests p
        WHERE p.organization_id = ? AND p.merged_at IS NOT NULL AND p.merged_at < ?
          AND EXISTS (SELECT 1 FROM deployments d
            WHERE d.repository_id = p.repository_id AND d.organization_id = p.organization_id
              AND d.started_at >= ?)
          AND NOT EXISTS (SELECT 1 FROM deployments e
            WHERE e.repository_id = p.repository_id AND e.organization_id = p.organization_id
              AND ${productionDeployment('e')} AND e.started_at >= p.merged_at AND e.started_at < ?)`,
      [organizationId, startOfDay(from), since, since]
    )
    const first = dayOfMoment(selectRows<{ first: unknown }>(result)[0]?.first)
    return first && first < from ? first : from
  }
}

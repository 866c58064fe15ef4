import db from '@adonisjs/lucid/services/db'
import { toDate } from '#services/insights/commit_lead_times'
import { readyForReview } from '#services/insights/rollup_sql'
import { sqlTime } from '#services/sql'
import { DateTime } from 'luxon'
import type { AgreementKind } from '#services/agreements/kinds'
import {
  mergedPullRequests,
  pullRequestLabel,
  scopedPullRequests,
} from '#services/agreements/team_rows'
import { attestedPullRequests } from '#services/agreements/attested_pull_requests'

export type Period = { start: Date; end: Date }

/** one measured row: whether it met the agreement, and what to link to */
export type MeasuredRow = { label: string; url: string | null; met: boolean; value: number }

export type Adherence = {
  measured: number
  met: number
  /** 0–100, null when nothing was measured */
  percent: number | null
  late: MeasuredRow[]
}

export type AgreementScope = {
  organizationId: number
  kind: AgreementKind
  threshold: number
  teamId: number | null
}

const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * Pull requests whose wait for review started in the period: late when
 * the first review came after the threshold, or has not come and the
 * threshold has passed by `now`; one still within its threshold is not
 * measured yet.
 */
async function firstReviews(scope: AgreementScope, period: Period, now: Date) {
  const ready = readyForReview('p')
  const query = scopedPullRequests(scope)
    .whereRaw(`${ready} >= ? AND ${ready} < ?`, [
      sqlTime(DateTime.fromJSDate(period.start)),
      sqlTime(DateTime.fromJSDate(period.end)),
    ])
    .where((open) => open.whereNotNull('p.first_review_at').orWhere('p.draft', false))
    .select('p.number', 'p.title', 'p.url', 'r.full_name', 'p.first_review_at')
    .select(db.raw(`${ready} AS ready`))
    .orderBy('p.id')
  const limit = scope.threshold * HOUR
  const rows: MeasuredRow[] = []
  for (const row of await query) {
    const readyAt = toDate(row.ready)
    if (!readyAt) continue
    const reviewedAt = toDate(row.first_review_at)
    const waited = (reviewedAt ?? now).getTime() - readyAt.getTime()
    if (!reviewedAt && waited <= limit) continue
    rows.push({
      label: pullRequestLabel(row),
      url: row.url,
      met: reviewedAt !== null && waited <= limit,
      value: Math.max(0, waited) / HOUR,
    })
  }
  return rows
}

/** merged pull requests of the period: met when additions + deletions stay under the threshold */
async function pullRequestSizes(scope: AgreementScope, period: Period) {
  const rows = await mergedPullRequests(scope, period)
    .whereNotNull('p.additions')
    .whereNotNull('p.deletions')
    .select('p.number', 'p.title', 'p.url', 'r.full_name', 'p.additions', 'p.deletions')
    .orderBy('p.id')
  return rows.map((row) => {
    const lines = Number(row.additions) + Number(row.deletions)
    return {
      label: pullRequestLabel(row),
      url: row.url,
      met: lines < scope.threshold,
      value: lines,
    }
  })
}

/**
 * Critical vulnerabilities open at some point of the period: late when
 * one stayed open (until its fix, or the period's end) over the threshold.
 */
async function criticalVulnerabilities(scope: AgreementScope, period: Period) {
  const rows = await db
    .from('vulnerabilities as v')
    .where('v.organization_id', scope.organizationId)
    .whereRaw('LOWER(v.severity) = ?', ['critical'])
    .where('v.introduced_at', '<', sqlTime(DateTime.fromJSDate(period.end)))
    .where((open) =>
      open
        .whereNull('v.fixed_at')
        .orWhere('v.fixed_at', '>=', sqlTime(DateTime.fromJSDate(period.start)))
    )
    .select('v.title', 'v.identifier', 'v.url', 'v.introduced_at', 'v.fixed_at')
    .orderBy('v.id')
  const limit = scope.threshold * DAY
  return rows.flatMap((row) => {
    const introduced = toDate(row.introduced_at)
    if (!introduced) return []
    const until = toDate(row.fixed_at) ?? period.end
    const open = Math.min(until.getTime(), period.end.getTime()) - introduced.getTime()
    return [
      {
        label: row.identifier ? `${row.identifier} ${row.title}` : row.title,
        url: row.url,
        met: open <= limit,
        value: open / DAY,
      },
    ]
  })
}

export async function measuredRows(scope: AgreementScope, period: Period, now = new Date()) {
  switch (scope.kind) {
    case 'first_review_within_hours':
      return firstReviews(scope, period, now)
    case 'pull_request_size_under':
      return pullRequestSizes(scope, period)
    case 'critical_vulnerability_open_days':
      return criticalVulnerabilities(scope, period)
    case 'ai_share_attested':
      return attestedPullRequests(scope, period)
  }
}

export function adherenceOf(rows: MeasuredRow[]): Adherence {
  const met = rows.filter((row) => row.met).length
  return {
    measured: rows.length,
    met,
    percent: rows.length === 0 ? null : Math.round((met / rows.length) * 1000) / 10,
    late: rows.filter((row) => !row.met),
  }
}

export async function adherence(scope: AgreementScope, period: Period, now = new Date()) {
  return adherenceOf(await measuredRows(scope, period, now))
}

/** the last `count` ISO weeks (UTC, Monday to Monday) up to and including the one holding `now` */
export function recentWeeks(now: Date, count: number): Array<Period & { label: string }> {
  const current = DateTime.fromJSDate(now, { zone: 'utc' }).startOf('week')
  return Array.from({ length: count }, (_, index) => {
    const start = current.minus({ weeks: count - 1 - index })
    return {
      start: start.toJSDate(),
      end: start.plus({ weeks: 1 }).toJSDate(),
      label: isoWeek(start.toJSDate()),
    }
  })
}

/**
 * The labels of recentWeeks ('2026-W10', oldest first), remembered for
 * the UTC day they were computed on: the weeks only move at a day's
 * start, and the agreements strip of every dashboard page asks for them
 * (luxon's week arithmetic was 2% of the Executive Summary's CPU).
 */
let lastLabels: { day: number; count: number; labels: readonly string[] } | null = null

export function recentWeekLabels(now: Date, count: number): readonly string[] {
  const day = Math.floor(now.getTime() / DAY)
  if (lastLabels?.day !== day || lastLabels.count !== count) {
    const labels = Object.freeze(recentWeeks(now, count).map((week) => week.label))
    lastLabels = { day, count, labels }
  }
  return lastLabels.labels
}

/** the seven days before `now`, the window alerts judge */
export function trailingWeek(now: Date): Period {
  return { start: new Date(now.getTime() - 7 * DAY), end: now }
}

/** the ISO week of a moment, as alerts are keyed: '2026-W10' */
export function isoWeek(moment: Date) {
  const week = DateTime.fromJSDate(moment, { zone: 'utc' })
  return `${week.weekYear}-W${String(week.weekNumber).padStart(2, '0')}`
}

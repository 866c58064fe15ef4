import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { fromSqlTime, sqlTime } from '#services/sql'
import { mergedPullRequestQuery } from '#queries/merged_pull_requests'
import { FIRST_REVIEW_SECONDS, commitQuery, firstReviewQuery } from '#queries/kpi_lists'
import { deployedChanges } from '#queries/deployed_changes'
import { fenceByFilters, fenceByTeam, type DrillFilters } from '#services/insights_pages/drill'
import { flowAuthor, productionDeployment, type RollupSums } from '#services/insights/rollup_sql'
import { eachDay, daysInRange } from '#services/insights/dialect'
import { percentilesFrom } from '#services/insights/percentiles'
import { addSums, emptySums, seriesValues, summaryFromSums } from '#services/insights/summary_math'
import type { Day, DurationMetric, MetricTrend, SeriesPoint } from '#services/insights/types'

/**
 * A team's KPIs, read from the raw domain tables through the very
 * queries of the team-filtered lists (merged pull requests, first
 * reviews, deployed changes, commits), not from the rollup.
 *
 * Why not a team dimension in the rollup: a team is a set of people
 * edited at any time (and imported from code hosts), and a change of
 * membership applies to the whole history, so a team rollup would have
 * to be rebuilt for every team whenever anyone joins or leaves; a person
 * in several teams would multiply its rows. A team's own rows are few
 * (its people's pull requests and commits of two periods), so a fixed
 * number of queries over them, bounded by the team's activity and not
 * by the organisation's size (lead time per commit excepted: it walks the
 * organisation's production deployments, as the deployed-changes list
 * does), computes its figures exactly, and with the
 * lists' own definitions: each number equals the list it links to.
 * Days are the lists' UTC days.
 *
 * Only the figures that belong to people are a team's: pull requests
 * (throughput, cycle time and its phases, size, first review), lead time
 * of its changes and its commits. Deployments, incidents, issues and
 * vulnerabilities belong to repositories (see the products).
 */
export type TeamLens = { team: string; product?: string | null }

type DayBucket = { sums: RollupSums; durations: Map<DurationMetric, number[]> }

const utcDay = (moment: Date) => moment.toISOString().slice(0, 10)
const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000

export async function teamTrend(
  organizationId: number,
  lens: TeamLens,
  range: { from: Day; to: Day; previous: { from: Day; to: Day } },
  options: { bucket?: 'day' | 'week' } = {}
): Promise<MetricTrend & { series: SeriesPoint[] }> {
  const list: DrillFilters = {
    from: range.previous.from,
    to: range.to,
    team: lens.team,
    product: lens.product ?? null,
  }
  const days = new Map<Day, DayBucket>()
  const bucket = (day: Day) => {
    let found = days.get(day)
    if (!found) {
      found = { sums: emptySums(), durations: new Map() }
      days.set(day, found)
    }
    return found
  }
  const measure = (day: Day, metric: DurationMetric, value: number) => {
    const durations = bucket(day).durations
    durations.set(metric, [...(durations.get(metric) ?? []), value])
  }

  const [opened, merged, reviews, changes, commits] = await Promise.all([
    openedPullRequests(organizationId, list),
    mergedPullRequests(organizationId, list),
    firstReviewQuery(organizationId, list).select(
      't.first_review_at',
      db.raw(`${FIRST_REVIEW_SECONDS} AS seconds`)
    ),
    deployedChanges(organizationId, list),
    commitQuery(organizationId, list, { ai: false }).select('t.committed_at', 't.ai_assisted'),
  ])

  for (const moment of opened) bucket(utcDay(moment)).sums.prs_opened += 1
  for (const pull of merged) {
    const day = utcDay(pull.merged)
    const sums = bucket(day).sums
    sums.prs_merged += 1
    if (pull.size !== null) {
      sums.size_count += 1
      sums.size_lines += pull.size
    }
    if (pull.deployed) {
      const phases: Array<[DurationMetric, number]> = [
        ['cycle', seconds(pull.started, pull.deployed)],
        ['coding', seconds(pull.started, pull.opened)],
        ['pickup', seconds(pull.opened, pull.reviewStarted)],
        ['review', seconds(pull.reviewStarted, pull.merged)],
        ['deploy', seconds(pull.merged, pull.deployed)],
      ]
      for (const [metric, value] of phases) {
        sums[`${metric}_count`] += 1
        sums[`${metric}_seconds`] += value
        measure(day, metric, value)
      }
    }
    if (!pull.repositoryDeploys) {
      const value = seconds(pull.started, pull.merged)
      sums.merge_cycle_count += 1
      sums.merge_cycle_seconds += value
      measure(day, 'merge_cycle', value)
    }
  }
  for (const row of reviews as Array<Record<string, unknown>>) {
    const day = utcDay(fromSqlTime(row.first_review_at)!)
    const value = Number(row.seconds)
    bucket(day).sums.first_review_count += 1
    bucket(day).sums.first_review_seconds += value
    measure(day, 'first_review', value)
  }
  for (const change of changes) {
    const day = utcDay(change.deployedAt)
    const sums = bucket(day).sums
    sums.lead_time_count += 1
    sums.lead_time_seconds += change.seconds
    if (change.kind === 'pull_request') sums.lead_time_pr_count += 1
    measure(day, 'lead_time', change.seconds)
  }
  for (const row of commits as Array<Record<string, unknown>>) {
    const sums = bucket(utcDay(fromSqlTime(row.committed_at)!)).sums
    sums.commits += 1
    if (row.ai_assisted) sums.ai_commits += 1
  }

  const summarize = (from: Day, to: Day) => {
    const sums = emptySums()
    const durations = new Map<DurationMetric, number[]>()
    for (const day of eachDay(from, to)) {
      const found = days.get(day)
      if (!found) continue
      addSums(sums, found.sums)
      for (const [metric, values] of found.durations) {
        durations.set(metric, [...(durations.get(metric) ?? []), ...values])
      }
    }
    return summaryFromSums(sums, daysInRange(from, to), percentilesFrom(durations))
  }
  const firstDay = [...days.keys()].sort()[0] ?? null
  return {
    current: summarize(range.from, range.to),
    previous: summarize(range.previous.from, range.previous.to),
    previousDaysWithData:
      firstDay === null || firstDay > range.previous.to
        ? 0
        : daysInRange(
            firstDay > range.previous.from ? firstDay : range.previous.from,
            range.previous.to
          ),
    series: bucketsOf(range, options.bucket ?? 'day').map((span) => ({
      day: span.from,
      values: seriesValues(summarize(span.from, span.to)),
    })),
  }
}

/** the period's days, or its weeks from Monday (the first starting on the period's first day) */
function bucketsOf(range: { from: Day; to: Day }, bucket: 'day' | 'week') {
  const spans: Array<{ from: Day; to: Day }> = []
  for (const day of eachDay(range.from, range.to)) {
    const monday = DateTime.fromISO(day, { zone: 'utc' }).startOf('week').toISODate()!
    const key = bucket === 'week' ? (monday < range.from ? range.from : monday) : day
    const last = spans.at(-1)
    if (last && last.from === key) last.to = day
    else spans.push({ from: key, to: day })
  }
  return spans
}

/** the opening moments of the team's pull requests opened on the list's days */
async function openedPullRequests(organizationId: number, list: DrillFilters) {
  const from = DateTime.fromISO(list.from, { zone: 'utc' })
  const to = DateTime.fromISO(list.to, { zone: 'utc' }).plus({ days: 1 })
  const query = db
    .from('pull_requests as t')
    .where('t.opened_at', '>=', sqlTime(from))
    .where('t.opened_at', '<', sqlTime(to))
    .whereRaw(flowAuthor('t'))
    .select('t.opened_at')
  fenceByTeam(query, organizationId, list, 't')
  const rows = await fenceByFilters(query, organizationId, list, 't')
  return rows.map((row: Record<string, unknown>) => fromSqlTime(row.opened_at)!)
}

/**
 * The merged pull request list's rows (the same query), with the
 * moments their cycle is cut into and whether their repository ever
 * deployed to production (else they are measured to merge).
 */
async function mergedPullRequests(organizationId: number, list: DrillFilters) {
  const rows = await mergedPullRequestQuery(organizationId, {
    from: list.from,
    to: list.to,
    team: list.team,
    product: list.product,
  }).select(
    'p.opened_at',
    'p.first_commit_at',
    'p.first_review_at',
    'p.merged_at',
    'p.additions',
    'p.deletions',
    db.raw(
      `(SELECT MIN(d.started_at) FROM deployments d WHERE d.organization_id = p.organization_id AND d.repository_id = p.repository_id AND d.started_at >= p.merged_at AND ${productionDeployment('d')}) AS deployed_at`
    ),
    db.raw(
      `CASE WHEN EXISTS (SELECT 1 FROM deployments e WHERE e.organization_id = p.organization_id AND e.repository_id = p.repository_id AND ${productionDeployment('e')}) THEN 1 ELSE 0 END AS repository_deploys`
    )
  )
  return rows.map((row: Record<string, unknown>) => {
    const opened = fromSqlTime(row.opened_at)!
    const firstCommit = fromSqlTime(row.first_commit_at)
    const merged = fromSqlTime(row.merged_at)!
    const firstReview = fromSqlTime(row.first_review_at)
    const additions = row.additions === null ? null : Number(row.additions)
    const deletions = row.deletions === null ? null : Number(row.deletions)
    return {
      opened,
      merged,
      started: firstCommit && firstCommit <= opened ? firstCommit : opened,
      reviewStarted:
        firstReview && firstReview >= opened && firstReview <= merged ? firstReview : merged,
      deployed: fromSqlTime(row.deployed_at),
      repositoryDeploys: Number(row.repository_deploys) === 1,
      size: additions === null && deletions === null ? null : (additions ?? 0) + (deletions ?? 0),
    }
  })
}

import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { fromSqlTime, sqlTime } from '#services/sql'
import { flowAuthor, readyForReview } from '#services/insights/rollup_sql'
import { secondsBetween, selectRows } from '#services/insights/dialect'
import { percentilesOf } from '#services/insights/percentiles'
import { publicIds } from '#services/public_id'
import {
  DRILL_PAGE_SIZE,
  fenceByFilters,
  fenceByTeam,
  hoursBetween,
  paginate,
  type DrillFilters,
} from '#services/insights_pages/drill'

/**
 * The rows behind the KPIs the other lists do not cover: time to first
 * review, lead time for changes, the AI-assisted share and the active
 * contributors. Each is the set the rollup counts (docs/insights.md,
 * "Metric definitions"), on the list's UTC days, fenced to the
 * organisation and narrowed by repository, product and provider.
 */
const EXPORT_LIMIT = 10_000

function dayBounds(list: DrillFilters) {
  const from = DateTime.fromISO(list.from, { zone: 'utc' })
  const to = DateTime.fromISO(list.to, { zone: 'utc' }).plus({ days: 1 })
  return [sqlTime(from), sqlTime(to)] as const
}

function direction(sort: unknown, fallback: string): 'asc' | 'desc' {
  return String(sort ?? fallback).startsWith('-') ? 'desc' : 'asc'
}

/** the median of a list's durations (seconds), in hours as the KPI card rounds it */
async function medianHours(query: ReturnType<typeof db.from>, seconds: string) {
  const rows = await query.select(db.raw(`${seconds} AS seconds`))
  return percentilesOf(rows.map((row: Record<string, unknown>) => Number(row.seconds))).median
}

/* first reviews ---------------------------------------------------------- */

const READY = readyForReview('t')
export const FIRST_REVIEW_SECONDS = `CASE WHEN t.first_review_at >= ${READY} THEN ${secondsBetween(READY, 't.first_review_at')} ELSE 0 END`

/**
 * Pull requests of people first reviewed on the list's days, the review
 * made between the opening and the merge (a review after the merge is
 * none): the sample of "Time to first review", counted on the review's
 * day.
 */
export function firstReviewQuery(organizationId: number, list: DrillFilters) {
  const [from, to] = dayBounds(list)
  const query = db
    .from('pull_requests as t')
    .where('t.first_review_at', '>=', from)
    .where('t.first_review_at', '<', to)
    .whereColumn('t.first_review_at', '>=', 't.opened_at')
    .where((merged) => {
      merged.whereNull('t.merged_at').orWhereColumn('t.first_review_at', '<=', 't.merged_at')
    })
    .whereRaw(flowAuthor('t'))
  fenceByTeam(query, organizationId, list, 't')
  return fenceByFilters(query, organizationId, list, 't')
}

function pullRequestColumns(query: ReturnType<typeof db.from>) {
  return query
    .join('repositories as r', 'r.id', 't.repository_id')
    .select(
      't.id',
      'r.name as repository',
      't.number',
      't.title',
      't.author_login',
      't.provider',
      't.url',
      't.opened_at',
      't.ready_for_review_at',
      't.first_commit_at',
      't.first_review_at',
      't.merged_at'
    )
}

function firstReviewRows(organizationId: number, list: DrillFilters) {
  const order = direction(list.sort, '-reviewed')
  const query = pullRequestColumns(firstReviewQuery(organizationId, list))
  if (String(list.sort ?? '').endsWith('wait')) {
    return query
      .orderByRaw(`${FIRST_REVIEW_SECONDS} ${order}`)
      .orderBy('t.id', order) as typeof query
  }
  return query.orderBy('t.first_review_at', order).orderBy('t.id', order)
}

function pullRequestBase(row: Record<string, unknown>) {
  return {
    repository: String(row.repository),
    number: Number(row.number),
    title: String(row.title),
    author: (row.author_login as string | null) ?? null,
    provider: String(row.provider),
    url: (row.url as string | null) ?? null,
  }
}

export type FirstReviewRow = ReturnType<typeof toFirstReview>

function toFirstReview(row: Record<string, unknown>) {
  const opened = fromSqlTime(row.opened_at)!
  const readyAt = fromSqlTime(row.ready_for_review_at)
  const ready = readyAt && readyAt > opened ? readyAt : opened
  const reviewed = fromSqlTime(row.first_review_at)!
  return {
    ...pullRequestBase(row),
    readyAt: ready,
    firstReviewAt: reviewed,
    waitHours: reviewed >= ready ? hoursBetween(ready, reviewed) : 0,
  }
}

export function listFirstReviews(organizationId: number, list: DrillFilters) {
  return paginate(
    firstReviewQuery(organizationId, list),
    firstReviewRows(organizationId, list),
    list.page,
    toFirstReview
  )
}

export async function allFirstReviews(organizationId: number, list: DrillFilters) {
  const rows = await firstReviewRows(organizationId, list).limit(EXPORT_LIMIT)
  return rows.map(toFirstReview)
}

export async function firstReviewMedian(organizationId: number, list: DrillFilters) {
  return medianHours(firstReviewQuery(organizationId, list), FIRST_REVIEW_SECONDS)
}

/* commits (AI-assisted share) -------------------------------------------- */

/** commits made on the list's days (every author, as the rollup counts them) */
export function commitQuery(organizationId: number, list: DrillFilters, options = { ai: true }) {
  const [from, to] = dayBounds(list)
  const query = db
    .from('commits as t')
    .where('t.committed_at', '>=', from)
    .where('t.committed_at', '<', to)
  fenceByFilters(query, organizationId, list, 't')
  fenceByTeam(query, organizationId, list, 't')
  if (options.ai && list.ai === '1') query.where('t.ai_assisted', true)
  if (options.ai && list.ai === '0') query.where('t.ai_assisted', false)
  return query
}

function commitRows(organizationId: number, list: DrillFilters) {
  const order = direction(list.sort, '-committed')
  return commitQuery(organizationId, list)
    .join('repositories as r', 'r.id', 't.repository_id')
    .select(
      't.id',
      'r.name as repository',
      'r.url as repository_url',
      't.sha',
      't.message',
      't.author_login',
      't.author_name',
      't.provider',
      't.committed_at',
      't.ai_assisted'
    )
    .orderBy('t.committed_at', order)
    .orderBy('t.id', order)
}

export type CommitRow = ReturnType<typeof toCommit>

function toCommit(row: Record<string, unknown>) {
  const repositoryUrl = (row.repository_url as string | null) ?? null
  const sha = String(row.sha)
  return {
    repository: String(row.repository),
    sha,
    subject: String(row.message).split('\n')[0].slice(0, 200),
    author: (row.author_login as string | null) ?? (row.author_name as string | null) ?? null,
    provider: String(row.provider),
    // the code hosts Sextant reads show a commit under <repository>/commit/<sha>
    url:
      repositoryUrl && /^https?:\/\//.test(repositoryUrl) ? `${repositoryUrl}/commit/${sha}` : null,
    committedAt: fromSqlTime(row.committed_at)!,
    aiAssisted: Boolean(row.ai_assisted),
  }
}

export function listCommits(organizationId: number, list: DrillFilters) {
  return paginate(
    commitQuery(organizationId, list),
    commitRows(organizationId, list),
    list.page,
    toCommit
  )
}

export async function allCommits(organizationId: number, list: DrillFilters) {
  const rows = await commitRows(organizationId, list).limit(EXPORT_LIMIT)
  return rows.map(toCommit)
}

/** the period's commits and AI-assisted ones, whatever the ai filter: the KPI's two numbers */
export async function commitShare(organizationId: number, list: DrillFilters) {
  const row = await commitQuery(organizationId, list, { ai: false })
    .select(
      db.raw('COUNT(*) AS commits'),
      db.raw('SUM(CASE WHEN t.ai_assisted THEN 1 ELSE 0 END) AS ai_commits')
    )
    .first()
  const commits = Number(row?.commits ?? 0)
  const aiCommits = Number(row?.ai_commits ?? 0)
  return { commits, aiCommits, share: commits ? (aiCommits / commits) * 100 : null }
}

/* active contributors ---------------------------------------------------- */

/**
 * The people who opened a pull request or made a commit on the list's
 * days (bots left out), one row per person: accounts a person owns count
 * as that person, an account nobody owns by its login, as the rollup's
 * insight_daily_contributors groups them.
 */
function contributorSql(organizationId: number, list: DrillFilters) {
  const [from, to] = dayBounds(list)
  const fences: string[] = []
  const fenceBindings: Array<string | number> = []
  if (list.repository) {
    fences.push('AND x.repository_id = ?')
    fenceBindings.push(publicIds('repository').decode(list.repository) ?? 0)
  }
  if (list.product) {
    fences.push(
      'AND x.repository_id IN (SELECT pr.repository_id FROM product_repositories pr WHERE pr.organization_id = ? AND pr.product_id = ?)'
    )
    fenceBindings.push(organizationId, publicIds('product').decode(list.product) ?? 0)
  }
  if (list.provider) {
    fences.push('AND x.provider = ?')
    fenceBindings.push(list.provider)
  }
  const human = (column: string) => `${column} IS NOT NULL AND (${column} NOT LIKE '%[bot]')`
  const part = (table: string, moment: string, counts: string) =>
    `SELECT x.provider AS provider, x.author_login AS login, ${counts}
     FROM ${table} x WHERE x.organization_id = ? AND x.${moment} >= ? AND x.${moment} < ? AND ${human('x.author_login')} ${fences.join(' ')}`
  const sql = `SELECT MIN(COALESCE(pe.display_name, s.login)) AS name,
      MIN(pe.id) AS person_id,
      SUM(s.pull_requests) AS pull_requests, SUM(s.commits) AS commits
    FROM (
      ${part('pull_requests', 'opened_at', '1 AS pull_requests, 0 AS commits')}
      UNION ALL
      ${part('commits', 'committed_at', '0 AS pull_requests, 1 AS commits')}
    ) s
    LEFT JOIN (
      SELECT provider, login, MIN(person_id) AS person_id FROM contributors
      WHERE organization_id = ? AND person_id IS NOT NULL
      GROUP BY provider, login
    ) a ON a.provider = s.provider AND a.login = s.login
    LEFT JOIN people pe ON pe.id = a.person_id AND pe.organization_id = ?
    GROUP BY COALESCE('person:' || CAST(pe.id AS VARCHAR(20)), 'login:' || s.login)`
  const bindings = [
    organizationId,
    from,
    to,
    ...fenceBindings,
    organizationId,
    from,
    to,
    ...fenceBindings,
    organizationId,
    organizationId,
  ]
  return { sql, bindings }
}

export type ContributorRow = ReturnType<typeof toContributor>

function toContributor(row: Record<string, unknown>) {
  const personId =
    row.person_id === null || row.person_id === undefined ? null : Number(row.person_id)
  return {
    name: String(row.name),
    person: personId === null ? null : publicIds('person').encode(personId),
    pullRequests: Number(row.pull_requests),
    commits: Number(row.commits),
  }
}

async function contributorPage(
  organizationId: number,
  list: DrillFilters,
  limit: number,
  offset: number
) {
  const { sql, bindings } = contributorSql(organizationId, list)
  const order = direction(list.sort, '-activity')
  const rows = await db.rawQuery(
    `SELECT * FROM (${sql}) g ORDER BY g.pull_requests + g.commits ${order}, g.name ${order} LIMIT ? OFFSET ?`,
    [...bindings, limit, offset]
  )
  return selectRows(rows).map(toContributor)
}

export async function listContributors(organizationId: number, list: DrillFilters) {
  const { sql, bindings } = contributorSql(organizationId, list)
  const counted = await db.rawQuery(`SELECT COUNT(*) AS total FROM (${sql}) g`, bindings)
  const total = Number(selectRows(counted)[0]?.total ?? 0)
  const page = Math.max(1, list.page ?? 1)
  return {
    total,
    page,
    lastPage: Math.max(1, Math.ceil(total / DRILL_PAGE_SIZE)),
    rows: await contributorPage(
      organizationId,
      list,
      DRILL_PAGE_SIZE,
      (page - 1) * DRILL_PAGE_SIZE
    ),
  }
}

export function allContributors(organizationId: number, list: DrillFilters) {
  return contributorPage(organizationId, list, EXPORT_LIMIT, 0)
}

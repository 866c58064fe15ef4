import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'
import { fromSqlTime, sqlTime } from '#services/sql'
import { teamPersonIds } from '#queries/teams'
import { humanAuthor, productionDeployment } from '#services/insights/rollup_sql'

const repositoryIds = publicIds('repository')
const productIds = publicIds('product')
const personIds = publicIds('person')

export type PullRequestListFilters = {
  from: string
  to: string
  repository?: string | null
  product?: string | null
  provider?: string | null
  /** a person (public id): the pull requests of any of their provider identities */
  person?: string | null
  /** a team (public id): the pull requests of its people's provider identities */
  team?: string | null
  /** one login, as the provider spells it */
  author?: string | null
  sort?: string | null
  page?: number
}

export type PullRequestRow = {
  repository: string
  number: number
  title: string
  author: string | null
  provider: string
  url: string | null
  mergedAt: Date
  size: number | null
  codingHours: number | null
  pickupHours: number | null
  reviewHours: number | null
  deployHours: number | null
  cycleHours: number | null
}

export const PULL_REQUEST_PAGE_SIZE = 50

const SORTS: Record<string, [string, 'asc' | 'desc']> = {
  'merged': ['p.merged_at', 'asc'],
  '-merged': ['p.merged_at', 'desc'],
  'size': ['size_lines', 'asc'],
  '-size': ['size_lines', 'desc'],
  'number': ['p.number', 'asc'],
  '-number': ['p.number', 'desc'],
}

function hoursBetween(from: Date | null, to: Date | null) {
  if (!from || !to) return null
  return Math.round(((to.getTime() - from.getTime()) / 3_600_000) * 10) / 10
}

/**
 * The merged pull requests behind "Merged PRs / week": people's pull
 * requests (bots left out, as the rollup does) merged on the range's UTC
 * days, fenced to the organisation, narrowed by repository, product and
 * provider. Each carries its cycle-time split as docs/insights.md
 * defines it (deploy: the first production deployment of its repository
 * at or after the merge).
 */
export function mergedPullRequestQuery(organizationId: number, filters: PullRequestListFilters) {
  const from = DateTime.fromISO(filters.from, { zone: 'utc' })
  const to = DateTime.fromISO(filters.to, { zone: 'utc' }).plus({ days: 1 })
  const query = db
    .from('pull_requests as p')
    .join('repositories as r', (join) => {
      join.on('r.id', '=', 'p.repository_id').andOn('r.organization_id', '=', 'p.organization_id')
    })
    .where('p.organization_id', organizationId)
    .whereNotNull('p.merged_at')
    .where('p.merged_at', '>=', sqlTime(from))
    .where('p.merged_at', '<', sqlTime(to))
    .whereRaw(humanAuthor('p.author_login'))
  if (filters.repository) {
    query.where('p.repository_id', repositoryIds.decode(filters.repository) ?? 0)
  }
  if (filters.product) {
    query.whereIn(
      'p.repository_id',
      db
        .from('product_repositories as pr')
        .select('pr.repository_id')
        .where('pr.organization_id', organizationId)
        .where('pr.product_id', productIds.decode(filters.product) ?? 0)
    )
  }
  if (filters.provider) query.where('p.provider', filters.provider)
  if (filters.author) query.where('p.author_login', filters.author)
  if (filters.person) {
    query.whereExists(
      db
        .from('contributors as c')
        .select('c.id')
        .where('c.organization_id', organizationId)
        .where('c.person_id', personIds.decode(filters.person) ?? 0)
        .whereColumn('c.provider', 'p.provider')
        .whereColumn('c.login', 'p.author_login')
    )
  }
  if (filters.team) {
    query.whereExists(
      db
        .from('contributors as c')
        .select('c.id')
        .where('c.organization_id', organizationId)
        .whereIn('c.person_id', teamPersonIds(organizationId, filters.team))
        .whereColumn('c.provider', 'p.provider')
        .whereColumn('c.login', 'p.author_login')
    )
  }
  return query
}

function select(query: ReturnType<typeof mergedPullRequestQuery>) {
  return query.select(
    'r.name as repository',
    'p.number',
    'p.title',
    'p.author_login',
    'p.provider',
    'p.url',
    'p.opened_at',
    'p.first_commit_at',
    'p.first_review_at',
    'p.merged_at',
    'p.additions',
    'p.deletions',
    db.raw(
      'CASE WHEN p.additions IS NULL AND p.deletions IS NULL THEN NULL ELSE COALESCE(p.additions, 0) + COALESCE(p.deletions, 0) END AS size_lines'
    ),
    db.raw(
      `(SELECT MIN(d.started_at) FROM deployments d WHERE d.organization_id = p.organization_id AND d.repository_id = p.repository_id AND d.started_at >= p.merged_at AND ${productionDeployment('d')}) AS deployed_at`
    )
  )
}

function toRow(row: Record<string, unknown>): PullRequestRow {
  const opened = fromSqlTime(row.opened_at)!
  const firstCommit = fromSqlTime(row.first_commit_at)
  const merged = fromSqlTime(row.merged_at)!
  const firstReview = fromSqlTime(row.first_review_at)
  const deployed = fromSqlTime(row.deployed_at)
  const started = firstCommit && firstCommit <= opened ? firstCommit : opened
  const reviewStarted =
    firstReview && firstReview >= opened && firstReview <= merged ? firstReview : merged
  return {
    repository: String(row.repository),
    number: Number(row.number),
    title: String(row.title),
    author: (row.author_login as string | null) ?? null,
    provider: String(row.provider),
    url: (row.url as string | null) ?? null,
    mergedAt: merged,
    size: row.size_lines === null || row.size_lines === undefined ? null : Number(row.size_lines),
    codingHours: hoursBetween(started, opened),
    pickupHours: hoursBetween(opened, reviewStarted),
    reviewHours: hoursBetween(reviewStarted, merged),
    deployHours: deployed ? hoursBetween(merged, deployed) : null,
    cycleHours: deployed ? hoursBetween(started, deployed) : null,
  }
}

export async function listMergedPullRequests(
  organizationId: number,
  filters: PullRequestListFilters
) {
  const [column, direction] = SORTS[filters.sort ?? '-merged'] ?? SORTS['-merged']
  const countRow = await mergedPullRequestQuery(organizationId, filters).count('* as total').first()
  const total = Number(countRow?.total ?? 0)
  const page = Math.max(1, filters.page ?? 1)
  const rows = await select(mergedPullRequestQuery(organizationId, filters))
    .orderBy(column, direction)
    .orderBy('p.id', direction)
    .limit(PULL_REQUEST_PAGE_SIZE)
    .offset((page - 1) * PULL_REQUEST_PAGE_SIZE)
  return {
    total,
    page,
    lastPage: Math.max(1, Math.ceil(total / PULL_REQUEST_PAGE_SIZE)),
    rows: rows.map(toRow),
  }
}

/** every row of the list, for the CSV export (capped) */
export async function allMergedPullRequests(
  organizationId: number,
  filters: PullRequestListFilters,
  limit = 10_000
) {
  const [column, direction] = SORTS[filters.sort ?? '-merged'] ?? SORTS['-merged']
  const rows = await select(mergedPullRequestQuery(organizationId, filters))
    .orderBy(column, direction)
    .orderBy('p.id', direction)
    .limit(limit)
  return rows.map(toRow)
}

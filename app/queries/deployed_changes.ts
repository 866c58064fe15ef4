import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { fromSqlTime, sqlTime } from '#services/sql'
import { commitLeadTimes } from '#services/insights/commit_lead_times'
import { flowAuthor, hasCommitAncestry, productionDeployment } from '#services/insights/rollup_sql'
import { secondsBetween } from '#services/insights/dialect'
import { percentilesOf } from '#services/insights/percentiles'
import {
  DRILL_PAGE_SIZE,
  fenceByFilters,
  fenceByTeam,
  hoursBetween,
  type DrillFilters,
} from '#services/insights_pages/drill'

/**
 * The changes behind "Lead time for changes", as the rollup measures it
 * (docs/insights.md): in a repository with commit ancestry, each commit
 * with the first successful production deployment that contains it
 * (commit_lead_times.ts); elsewhere, the per-pull-request fallback, each
 * merged pull request with its first production deployment after the
 * merge. Counted on the deployment's UTC day, fenced to the organisation
 * and narrowed by repository, product and provider.
 */
const EXPORT_LIMIT = 10_000
const CHUNK = 500

export type DeployedChangeRow = {
  kind: 'commit' | 'pull_request'
  repository: string
  /** the pull request's number (fallback rows) */
  number: number | null
  /** the commit's SHA (per-commit rows) */
  sha: string | null
  title: string
  author: string | null
  provider: string
  url: string | null
  startedAt: Date
  mergedAt: Date | null
  deployedAt: Date
  leadHours: number
  seconds: number
}

function dayBounds(list: DrillFilters) {
  const from = DateTime.fromISO(list.from, { zone: 'utc' })
  const to = DateTime.fromISO(list.to, { zone: 'utc' }).plus({ days: 1 })
  return [from, to] as const
}

const DEPLOYED_AT = `(SELECT d.started_at FROM deployments d WHERE d.repository_id = t.repository_id AND d.started_at >= t.merged_at AND d.organization_id = t.organization_id AND ${productionDeployment('d')} ORDER BY d.started_at LIMIT 1)`
const STARTED = `CASE WHEN t.first_commit_at IS NOT NULL AND t.first_commit_at <= t.opened_at THEN t.first_commit_at ELSE t.opened_at END`

/** merged pull requests of repositories without commit ancestry, first deployed on the list's days */
async function pullRequestChanges(organizationId: number, list: DrillFilters) {
  const [from, to] = dayBounds(list)
  const query = db
    .from('pull_requests as t')
    .join('repositories as r', 'r.id', 't.repository_id')
    .whereNotNull('t.merged_at')
    .whereRaw(flowAuthor('t'))
    .whereRaw(`NOT ${hasCommitAncestry('t')}`)
    .whereRaw(`${DEPLOYED_AT} >= ?`, [sqlTime(from)])
    .whereRaw(`${DEPLOYED_AT} < ?`, [sqlTime(to)])
    .select(
      'r.name as repository',
      't.number',
      't.title',
      't.author_login',
      't.provider',
      't.url',
      't.merged_at',
      db.raw(`${STARTED} AS started_at`),
      db.raw(`${DEPLOYED_AT} AS deployed_at`),
      db.raw(`${secondsBetween(STARTED, DEPLOYED_AT)} AS seconds`)
    )
  fenceByTeam(query, organizationId, list, 't')
  const rows = await fenceByFilters(query, organizationId, list, 't')
  return rows.map((row: Record<string, unknown>): DeployedChangeRow => {
    const started = fromSqlTime(row.started_at)!
    const deployed = fromSqlTime(row.deployed_at)!
    return {
      kind: 'pull_request',
      repository: String(row.repository),
      number: Number(row.number),
      sha: null,
      title: String(row.title),
      author: (row.author_login as string | null) ?? null,
      provider: String(row.provider),
      url: (row.url as string | null) ?? null,
      startedAt: started,
      mergedAt: fromSqlTime(row.merged_at)!,
      deployedAt: deployed,
      leadHours: hoursBetween(started, deployed)!,
      seconds: Number(row.seconds),
    }
  })
}

/** commits whose first production deployment started on the list's days */
async function commitChanges(organizationId: number, list: DrillFilters) {
  const [from, to] = dayBounds(list)
  const all = await commitLeadTimes(db.connection(), organizationId, sqlTime(to))
  const measured = all.filter((one) => one.deployedAt >= from.toJSDate())
  const rows: DeployedChangeRow[] = []
  for (let index = 0; index < measured.length; index += CHUNK) {
    const chunk = measured.slice(index, index + CHUNK)
    const query = db
      .from('commits as t')
      .join('repositories as r', 'r.id', 't.repository_id')
      .whereIn(
        't.sha',
        chunk.map((one) => one.sha)
      )
      .select(
        't.repository_id',
        't.sha',
        't.message',
        't.author_login',
        't.author_name',
        't.provider',
        'r.name as repository',
        'r.url as repository_url'
      )
    const details = new Map<string, Record<string, unknown>>()
    fenceByTeam(query, organizationId, list, 't')
    for (const row of await fenceByFilters(query, organizationId, list, 't')) {
      details.set(`${row.repository_id}:${row.sha}`, row)
    }
    for (const one of chunk) {
      const row = details.get(`${one.repositoryId}:${one.sha}`)
      if (!row) continue // outside the repository, product or provider asked for
      const repositoryUrl = (row.repository_url as string | null) ?? null
      rows.push({
        kind: 'commit',
        repository: String(row.repository),
        number: null,
        sha: one.sha,
        title: String(row.message).split('\n')[0].slice(0, 200),
        author: (row.author_login as string | null) ?? (row.author_name as string | null) ?? null,
        provider: String(row.provider),
        // the code hosts Sextant reads show a commit under <repository>/commit/<sha>
        url:
          repositoryUrl && /^https?:\/\//.test(repositoryUrl)
            ? `${repositoryUrl}/commit/${one.sha}`
            : null,
        startedAt: one.committedAt,
        mergedAt: null,
        deployedAt: one.deployedAt,
        leadHours: Math.round((one.seconds / 3600) * 10) / 10,
        seconds: one.seconds,
      })
    }
  }
  return rows
}

/** every deployed change of the list, in the order asked for */
export async function deployedChanges(organizationId: number, list: DrillFilters) {
  const rows = [
    ...(await commitChanges(organizationId, list)),
    ...(await pullRequestChanges(organizationId, list)),
  ]
  const sort = String(list.sort ?? '-deployed')
  const sign = sort.startsWith('-') ? -1 : 1
  const key = (row: DeployedChangeRow) =>
    sort.endsWith('lead') ? row.seconds : row.deployedAt.getTime()
  const tie = (row: DeployedChangeRow) => `${row.repository}\u0000${row.sha ?? row.number}`
  return rows.sort((a, b) => sign * (key(a) - key(b)) || sign * tie(a).localeCompare(tie(b)))
}

export async function listDeployedChanges(organizationId: number, list: DrillFilters) {
  const rows = await deployedChanges(organizationId, list)
  const total = rows.length
  const current = Math.max(1, list.page ?? 1)
  return {
    total,
    page: current,
    lastPage: Math.max(1, Math.ceil(total / DRILL_PAGE_SIZE)),
    rows: rows.slice((current - 1) * DRILL_PAGE_SIZE, current * DRILL_PAGE_SIZE),
  }
}

export async function allDeployedChanges(organizationId: number, list: DrillFilters) {
  const rows = await deployedChanges(organizationId, list)
  return rows.slice(0, EXPORT_LIMIT)
}

export async function leadTimeMedian(organizationId: number, list: DrillFilters) {
  const rows = await deployedChanges(organizationId, list)
  return percentilesOf(rows.map((row) => row.seconds)).median
}

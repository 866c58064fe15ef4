import db from '@adonisjs/lucid/services/db'
import { endOfDay, momentParameter, secondsBetween, selectRows } from '#services/insights/dialect'
import { repositoryClauses, scopeWhere } from '#services/insights/scope'
import type {
  ActiveContributors,
  AgeBucket,
  AiComposition,
  InsightScope,
  Severity,
  VulnerabilityOverview,
} from '#services/insights/types'
import { publicIds } from '#services/public_id'

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low']
const DAY = 86_400

function share(part: number, whole: number) {
  return whole > 0 ? Math.round((part * 1000) / whole) / 10 : null
}

/**
 * Vulnerabilities open at the end of the scope's last day, by severity
 * and age (days since introduced). Open means: introduced before that
 * moment, not ignored, and either fixed later or (no fix date) still
 * open. One query over the vulnerabilities table.
 */
export async function vulnerabilityOverview(scope: InsightScope): Promise<VulnerabilityOverview> {
  return overviewOf(await openVulnerabilities(scope, false))
}

/**
 * The same overview for the organisation and for each group of its
 * repositories (the products scores are computed for), from one query
 * grouped by repository instead of one query per group.
 */
export async function vulnerabilityOverviews(
  scope: Omit<InsightScope, 'productId' | 'repositoryId'>,
  groups: number[][]
): Promise<{ organization: VulnerabilityOverview; groups: VulnerabilityOverview[] }> {
  const rows = await openVulnerabilities(scope, true)
  return {
    organization: overviewOf(rows),
    groups: groups.map((repositoryIds) => {
      const wanted = new Set(repositoryIds)
      return overviewOf(
        rows.filter((row) => row.repositoryId !== null && wanted.has(row.repositoryId))
      )
    }),
  }
}

type OpenVulnerabilities = {
  repositoryId: number | null
  severity: string
  bucket: AgeBucket
  total: number
  oldest: number
}

async function openVulnerabilities(
  scope: InsightScope,
  byRepository: boolean
): Promise<OpenVulnerabilities[]> {
  const asOf = endOfDay(scope.to)
  const bindings: Array<string | number> = [asOf, scope.organizationId, asOf, asOf]
  const fence = repositoryClauses(scope, 'v', bindings)
  const age = secondsBetween('v.introduced_at', momentParameter())
  const bucket = `CASE WHEN s.age < ${30 * DAY} THEN 'under30'
            WHEN s.age < ${90 * DAY} THEN 'from30to90'
            WHEN s.age < ${180 * DAY} THEN 'from90to180'
            ELSE 'over180' END`
  const repository = byRepository ? 's.repository_id' : 'NULL'
  const result = await db.rawQuery(
    `SELECT ${repository} AS repository_id, s.severity AS severity, ${bucket} AS bucket,
       COUNT(*) AS total, MAX(s.age) AS oldest
     FROM (
       SELECT v.repository_id AS repository_id, v.severity AS severity, ${age} AS age
       FROM vulnerabilities v
       WHERE v.organization_id = ? AND v.status <> 'ignored' AND v.introduced_at < ?
         AND ((v.fixed_at IS NULL AND v.status = 'open') OR v.fixed_at >= ?)
         ${fence.map((clause) => `AND ${clause}`).join(' ')}
     ) s
     GROUP BY ${byRepository ? 's.repository_id, ' : ''}s.severity, ${bucket}`,
    bindings
  )
  return selectRows(result).map((row) => ({
    repositoryId: row.repository_id === null ? null : Number(row.repository_id),
    severity: String(row.severity),
    bucket: row.bucket as AgeBucket,
    total: Number(row.total),
    oldest: Number(row.oldest),
  }))
}

function overviewOf(rows: OpenVulnerabilities[]): VulnerabilityOverview {
  const overview: VulnerabilityOverview = {
    total: 0,
    bySeverity: Object.fromEntries(
      SEVERITIES.map((severity) => [
        severity,
        {
          open: 0,
          ages: { under30: 0, from30to90: 0, from90to180: 0, over180: 0 },
          oldestDays: null,
        },
      ])
    ) as VulnerabilityOverview['bySeverity'],
  }
  for (const row of rows) {
    const entry = overview.bySeverity[row.severity as Severity]
    if (!entry) continue
    entry.open += row.total
    entry.ages[row.bucket] += row.total
    const oldest = Math.floor(row.oldest / DAY)
    entry.oldestDays = Math.max(entry.oldestDays ?? 0, oldest)
    overview.total += row.total
  }
  return overview
}

/**
 * People who opened a pull request or made a commit in the scope (bots
 * excluded), counted once however many repositories, days and provider
 * accounts (rows rolled up before people existed count by login), and the
 * most active of them (two queries over insight_daily_contributors; one
 * with `limit: 0`).
 */
export async function activeContributors(
  scope: InsightScope,
  options: { limit?: number } = {}
): Promise<ActiveContributors> {
  const where = scopeWhere(scope)
  const counted = await db.rawQuery(
    `SELECT COUNT(DISTINCT COALESCE(m.person_key, m.login)) AS total FROM insight_daily_contributors m WHERE ${where.sql}`,
    where.bindings
  )
  const limit = options.limit ?? 10
  const top =
    limit > 0
      ? await db.rawQuery(
          `SELECT MIN(m.login) AS login, SUM(m.pull_requests) AS pull_requests, SUM(m.commits) AS commits
           FROM insight_daily_contributors m WHERE ${where.sql}
           GROUP BY COALESCE(m.person_key, m.login)
           ORDER BY SUM(m.pull_requests) + SUM(m.commits) DESC, MIN(m.login)
           LIMIT ?`,
          [...where.bindings, limit]
        )
      : []
  return {
    count: Number(selectRows(counted)[0]?.total ?? 0),
    top: selectRows(top).map((row) => ({
      login: String(row.login),
      pullRequests: Number(row.pull_requests),
      commits: Number(row.commits),
    })),
  }
}

/**
 * The share of AI-assisted commits (commit trailers) in the scope, in
 * total and per repository, busiest first (one query).
 */
export async function aiComposition(scope: InsightScope): Promise<AiComposition> {
  const where = scopeWhere(scope)
  const result = await db.rawQuery(
    `SELECT m.repository_id AS repository_id, r.name AS name,
       SUM(m.commits) AS commits, SUM(m.ai_commits) AS ai_commits
     FROM insight_daily_metrics m
     JOIN repositories r ON r.id = m.repository_id AND r.organization_id = m.organization_id
     WHERE ${where.sql}
     GROUP BY m.repository_id, r.name
     HAVING SUM(m.commits) > 0
     ORDER BY SUM(m.commits) DESC, r.name`,
    where.bindings
  )
  const codec = publicIds('repository')
  const repositories = selectRows(result).map((row) => {
    const commits = Number(row.commits)
    const aiAssistedCommits = Number(row.ai_commits)
    return {
      repositoryId: Number(row.repository_id),
      publicId: codec.encode(Number(row.repository_id)),
      name: String(row.name),
      commits,
      aiAssistedCommits,
      share: share(aiAssistedCommits, commits),
    }
  })
  const commits = repositories.reduce((total, entry) => total + entry.commits, 0)
  const aiAssistedCommits = repositories.reduce(
    (total, entry) => total + entry.aiAssistedCommits,
    0
  )
  return { commits, aiAssistedCommits, share: share(aiAssistedCommits, commits), repositories }
}

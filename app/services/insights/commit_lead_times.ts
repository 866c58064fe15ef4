import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import { selectRows, trueLiteral } from '#services/insights/dialect'
import { hasCommitAncestry, productionDeployment } from '#services/insights/rollup_sql'

/**
 * Lead time for changes per commit, as DORA defines it: from a commit to
 * the successful production deployment that first contains it, counted
 * on the day of that deployment.
 *
 * "Contains" is ancestry: walking each repository's production
 * deployments in order, the commits reachable from a deployment's SHA
 * through their parents, and not reached by an earlier deployment, are
 * the commits it shipped. This is exact on any history (merge commits,
 * a deployment of an older SHA, a deployment that skips a merge), as far
 * as the commits a code host listed go.
 *
 * Only repositories with commit ancestry (at least one commit whose
 * parents the code host gave) are measured so; the others keep the
 * per-pull-request fallback in rollup_sql.ts (`lead_time_pr_count`).
 */
export type CommitLeadTime = {
  repositoryId: number
  sha: string
  committedAt: Date
  deployedAt: Date
  /** the deployment's SHA (the commit it shipped from) */
  deployedSha: string
  /** the deployment that first contained the commit */
  deploymentId: number
  seconds: number
}

/** a commit and the production deployment that first contained it, whoever wrote it */
export type ShippedCommit = CommitLeadTime & { human: boolean }

type CommitRow = {
  repository_id: number
  sha: string
  parent_shas: string | null
  committed_at: unknown
  author_login: string | null
}

type DeploymentRow = { id: number; repository_id: number; sha: string; started_at: unknown }

/** a database moment (a Date, or SQLite's "YYYY-MM-DD HH:MM:SS" in UTC) */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value
  const text = String(value)
  const iso = text.includes('T') ? text : `${text.replace(' ', 'T')}Z`
  const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`)
  return Number.isNaN(date.getTime()) ? null : date
}

/**
 * The lead time of every commit whose first production deployment
 * started before `end` (bots' only when the organisation counts them).
 */
export async function commitLeadTimes(
  trx: TransactionClientContract | QueryClientContract,
  organizationId: number,
  end: string
): Promise<CommitLeadTime[]> {
  return leadTimesOf(await shippedCommits(trx, organizationId, end))
}

/** the lead times among shipped commits: people's, and bots' when the organisation counts them */
export function leadTimesOf(shipped: ShippedCommit[]): CommitLeadTime[] {
  return shipped.filter((one) => one.human).map(({ human: _human, ...one }) => one)
}

/**
 * Every commit of a repository with commit ancestry and the production
 * deployment started before `end` that first contained it. Deployments
 * are walked in order from the first: a commit an earlier one shipped is
 * not shipped again. `human` is false for a bot's commit the
 * organisation does not count (include_bot_pull_requests).
 */
export async function shippedCommits(
  trx: TransactionClientContract | QueryClientContract,
  organizationId: number,
  end: string
): Promise<ShippedCommit[]> {
  const commits = selectRows<CommitRow>(
    await trx.rawQuery(
      `SELECT c.repository_id, c.sha, c.parent_shas, COALESCE(c.committed_at, c.authored_at) AS committed_at, c.author_login
       FROM commits c
       WHERE c.organization_id = ? AND c.repository_id IS NOT NULL
         AND ${hasCommitAncestry('c')}`,
      [organizationId]
    )
  )
  if (commits.length === 0) return []
  const includeBots = selectRows<{ bots: unknown }>(
    await trx.rawQuery(
      `SELECT CASE WHEN include_bot_pull_requests = ${trueLiteral()} THEN 1 ELSE 0 END AS bots FROM organizations WHERE id = ?`,
      [organizationId]
    )
  )[0]
  const countsBots = Number(includeBots?.bots ?? 0) === 1
  const deployments = selectRows<DeploymentRow>(
    await trx.rawQuery(
      `SELECT d.id, d.repository_id, d.sha, d.started_at FROM deployments d
       WHERE d.organization_id = ? AND d.sha IS NOT NULL AND d.started_at < ? AND ${productionDeployment('d')}
       ORDER BY d.started_at, d.id`,
      [organizationId, end]
    )
  )
  const graphs = new Map<number, Map<string, CommitRow>>()
  for (const commit of commits) {
    const graph = graphs.get(commit.repository_id) ?? new Map<string, CommitRow>()
    graph.set(commit.sha, commit)
    graphs.set(commit.repository_id, graph)
  }
  const shipped = new Map<number, Set<string>>()
  const found: ShippedCommit[] = []
  for (const deployment of deployments) {
    const graph = graphs.get(deployment.repository_id)
    const deployedAt = toDate(deployment.started_at)
    if (!graph || !deployedAt || !graph.has(deployment.sha)) continue
    const seen = shipped.get(deployment.repository_id) ?? new Set<string>()
    shipped.set(deployment.repository_id, seen)
    const queue = [deployment.sha]
    while (queue.length > 0) {
      const sha = queue.pop()!
      if (seen.has(sha)) continue
      const commit = graph.get(sha)
      if (!commit) continue
      seen.add(sha)
      for (const parent of parentsOf(commit)) queue.push(parent)
      const committedAt = toDate(commit.committed_at)
      if (!committedAt) continue
      // a committer clock ahead of the deployment's is no negative lead time
      const seconds = Math.max(0, (deployedAt.getTime() - committedAt.getTime()) / 1000)
      found.push({
        repositoryId: deployment.repository_id,
        sha,
        committedAt,
        deployedAt,
        deployedSha: deployment.sha,
        deploymentId: Number(deployment.id),
        seconds,
        human: countsBots || isHuman(commit.author_login),
      })
    }
  }
  return found
}

function parentsOf(commit: CommitRow): string[] {
  if (!commit.parent_shas) return []
  try {
    const parsed = JSON.parse(commit.parent_shas)
    return Array.isArray(parsed) ? parsed.filter((sha) => typeof sha === 'string') : []
  } catch {
    return []
  }
}

/** the same rule as humanAuthor() in rollup_sql.ts: "name[bot]" is a bot */
function isHuman(login: string | null) {
  return login === null || !login.endsWith('[bot]')
}

import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { selectRows } from '#services/insights/dialect'
import { productionDeployment } from '#services/insights/rollup_sql'
import { toDate, type ShippedCommit } from '#services/insights/commit_lead_times'

/**
 * Incidents linked to a change fail the production deployment that
 * shipped it, however long after it they were opened (the window rule,
 * rollup_sql.ts `followedByIncident`, is the guess for incidents that
 * name no change). The links are the issue ↔ pull request and issue ↔
 * commit links (issue_links.ts, issue_commit_links.ts):
 *
 * - a commit is shipped by the first production deployment that
 *   contained it: by commit ancestry where the repository has it
 *   (commit_lead_times.ts), else by the deployment of its very SHA;
 * - a pull request is shipped by its repository's first production
 *   deployment starting at or after its merge, the deployment its cycle
 *   time already ends at (rollup_sql.ts, `deployed_at`).
 *
 * Only a deployment that started no later than the incident was opened
 * can have caused it: the change an incident names that shipped after
 * it (its fix, typically: "OPS-12: roll back the cache") fails nothing.
 * The pairs are written to deployment_incidents once per rollup, set by
 * set, so counting a deployment as failed is one indexed lookup.
 */
export type IncidentCause = { deploymentId: number; issueId: number }

type Candidate = IncidentCause & { startedAt: unknown; openedAt: unknown }

/** the deployments linked incidents name as their cause, for one organisation */
export async function incidentCauses(
  trx: TransactionClientContract,
  organizationId: number,
  shipped: ShippedCommit[]
): Promise<IncidentCause[]> {
  const candidates = [
    ...(await causesThroughPullRequests(trx, organizationId)),
    ...(await causesThroughCommits(trx, organizationId, shipped)),
  ]
  const causes = new Map<string, IncidentCause>()
  for (const candidate of candidates) {
    const started = toDate(candidate.startedAt)
    const opened = toDate(candidate.openedAt)
    if (!started || !opened || started.getTime() > opened.getTime()) continue
    const cause = {
      deploymentId: Number(candidate.deploymentId),
      issueId: Number(candidate.issueId),
    }
    causes.set(`${cause.deploymentId}:${cause.issueId}`, cause)
  }
  return [...causes.values()]
}

async function causesThroughPullRequests(trx: TransactionClientContract, organizationId: number) {
  // one index walk per linked incident's pull request (there are few),
  // the same ORDER BY … LIMIT 1 as merged_prs' first deployment
  const firstDeployment = `(SELECT d.id FROM deployments d WHERE d.repository_id = pr.repository_id AND d.status = 'success' AND d.started_at >= pr.merged_at AND d.organization_id = pr.organization_id AND ${productionDeployment('d')} ORDER BY d.started_at, d.id LIMIT 1)`
  return selectRows<Candidate>(
    await trx.rawQuery(
      `SELECT s.issue_id AS "issueId", s.opened_at AS "openedAt", d.id AS "deploymentId", d.started_at AS "startedAt"
       FROM (
         SELECT ip.issue_id, i.opened_at, ${firstDeployment} AS deployment_id
         FROM issue_pull_requests ip
         JOIN issues i ON i.id = ip.issue_id AND i.organization_id = ip.organization_id
         JOIN pull_requests pr ON pr.id = ip.pull_request_id AND pr.organization_id = ip.organization_id
         WHERE ip.organization_id = ? AND i.type = 'incident'
           AND pr.merged_at IS NOT NULL AND pr.repository_id IS NOT NULL
       ) s
       JOIN deployments d ON d.id = s.deployment_id AND d.organization_id = ?`,
      [organizationId, organizationId]
    )
  )
}

async function causesThroughCommits(
  trx: TransactionClientContract,
  organizationId: number,
  shipped: ShippedCommit[]
) {
  const rows = selectRows<{
    issueId: number
    openedAt: unknown
    repositoryId: number
    sha: string
    deploymentId: number | null
    startedAt: unknown
  }>(
    await trx.rawQuery(
      `SELECT ic.issue_id AS "issueId", i.opened_at AS "openedAt", c.repository_id AS "repositoryId", c.sha AS sha,
         d.id AS "deploymentId", d.started_at AS "startedAt"
       FROM issue_commits ic
       JOIN issues i ON i.id = ic.issue_id AND i.organization_id = ic.organization_id
       JOIN commits c ON c.id = ic.commit_id AND c.organization_id = ic.organization_id
       LEFT JOIN deployments d ON d.organization_id = c.organization_id AND d.repository_id = c.repository_id
         AND d.sha = c.sha AND ${productionDeployment('d')}
       WHERE ic.organization_id = ? AND i.type = 'incident' AND c.repository_id IS NOT NULL`,
      [organizationId]
    )
  )
  const byCommit = new Map<string, ShippedCommit>()
  for (const one of shipped) byCommit.set(`${one.repositoryId}:${one.sha}`, one)
  // per incident and commit: the deployment ancestry says first contained
  // it, else the first deployment of that very SHA (a redeploy of it
  // shipped nothing new)
  const found = new Map<string, Candidate>()
  for (const row of rows) {
    const commit = `${row.repositoryId}:${row.sha}`
    const ancestry = byCommit.get(commit)
    const candidate: Candidate | null = ancestry
      ? { ...row, deploymentId: ancestry.deploymentId, startedAt: ancestry.deployedAt }
      : row.deploymentId === null
        ? null
        : { ...row, deploymentId: row.deploymentId }
    if (!candidate) continue
    const key = `${row.issueId}:${commit}`
    const kept = found.get(key)
    if (!kept || moment(candidate.startedAt) < moment(kept.startedAt)) found.set(key, candidate)
  }
  return [...found.values()].map((one) => ({
    issueId: one.issueId,
    openedAt: one.openedAt,
    deploymentId: one.deploymentId,
    startedAt: one.startedAt,
  }))
}

function moment(value: unknown) {
  return toDate(value)?.getTime() ?? Number.POSITIVE_INFINITY
}

/**
 * Replaces the organisation's deployment_incidents with `causes`, and
 * answers the earliest moment whose counts changed: the start of a
 * deployment that gained or lost a cause, or the window before an
 * incident that gained or lost one (the deployment the window rule gave
 * it is failed no more, or again). Null when nothing changed.
 */
export async function replaceIncidentCauses(
  trx: TransactionClientContract,
  organizationId: number,
  causes: IncidentCause[],
  windowHours: number
): Promise<Date | null> {
  const stored = await trx
    .from('deployment_incidents')
    .where('organization_id', organizationId)
    .select('id', 'deployment_id', 'issue_id')
  const before = stored.map((row) => ({
    id: Number(row.id),
    deploymentId: Number(row.deployment_id),
    issueId: Number(row.issue_id),
  }))
  const key = (cause: IncidentCause) => `${cause.deploymentId}:${cause.issueId}`
  const now = new Set(causes.map(key))
  const was = new Set(before.map(key))
  const removed = before.filter((cause) => !now.has(key(cause)))
  const added = causes.filter((cause) => !was.has(key(cause)))
  if (removed.length === 0 && added.length === 0) return null

  for (let start = 0; start < removed.length; start += 500) {
    await trx
      .from('deployment_incidents')
      .where('organization_id', organizationId)
      .whereIn(
        'id',
        removed.slice(start, start + 500).map((cause) => cause.id)
      )
      .delete()
  }
  for (let start = 0; start < added.length; start += 200) {
    await trx.table('deployment_incidents').multiInsert(
      added.slice(start, start + 200).map((cause) => ({
        organization_id: organizationId,
        deployment_id: cause.deploymentId,
        issue_id: cause.issueId,
      }))
    )
  }
  return earliestChange(trx, organizationId, [...removed, ...added], windowHours)
}

async function earliestChange(
  trx: TransactionClientContract,
  organizationId: number,
  changed: IncidentCause[],
  windowHours: number
) {
  const moments: number[] = []
  const deploymentIds = [...new Set(changed.map((cause) => cause.deploymentId))]
  const issueIds = [...new Set(changed.map((cause) => cause.issueId))]
  for (let start = 0; start < deploymentIds.length; start += 500) {
    const rows = await trx
      .from('deployments')
      .where('organization_id', organizationId)
      .whereIn('id', deploymentIds.slice(start, start + 500))
      .min('started_at as first')
    const first = toDate(rows[0]?.first)
    if (first) moments.push(first.getTime())
  }
  for (let start = 0; start < issueIds.length; start += 500) {
    const rows = await trx
      .from('issues')
      .where('organization_id', organizationId)
      .whereIn('id', issueIds.slice(start, start + 500))
      .min('opened_at as first')
    const first = toDate(rows[0]?.first)
    if (first) moments.push(first.getTime() - windowHours * 3_600_000)
  }
  return moments.length > 0 ? new Date(Math.min(...moments)) : null
}

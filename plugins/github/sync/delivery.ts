import type { DeploymentInput, HttpResponse, StoredRepository, SyncContext } from '#plugin-sdk'
import { GitHubClient } from '../client.js'
import type * as GitHub from '../types.js'
import { eachMonitoredRepository } from '#plugin-sdk'

/** repositories synced side by side; the HTTP client's own cap bounds the requests */
const REPOSITORIES_IN_PARALLEL = 4

type Dated = { created_at: string }

/**
 * Walks a newest-first list down to the cursor. Items still running move
 * the cursor no further than the oldest of them, so the next run reads
 * them again and records how they ended.
 */
async function walkNewestFirst<Raw, Item extends Dated>(
  context: SyncContext,
  scope: string,
  pages: AsyncGenerator<HttpResponse<Raw>>,
  itemsOf: (page: Raw) => Item[],
  /** stores the items; answers their rows, one per item in the same order */
  write: (items: Item[]) => Promise<DeploymentInput[]>
) {
  const cursor = context.full ? null : await context.cursors.get(scope)
  let newest: string | null = null
  let oldestUnsettled: string | null = null
  for await (const page of pages) {
    const all = itemsOf(page.data)
    const fresh = cursor ? all.filter((item) => item.created_at >= cursor) : all
    for (const item of fresh) {
      if (!newest || item.created_at > newest) newest = item.created_at
    }
    // write answers one row per item, in order
    const rows = await write(fresh)
    rows.forEach((row, index) => {
      const created = fresh[index].created_at
      if (row.status === 'in_progress' && (!oldestUnsettled || created < oldestUnsettled)) {
        oldestUnsettled = created
      }
    })
    if (fresh.length < all.length) break
  }
  const next = oldestUnsettled ?? newest
  if (next && next !== cursor) await context.cursors.set(scope, next)
}

function releaseInput(repository: string, release: GitHub.Release): DeploymentInput {
  return {
    externalId: `release:${release.id}`,
    repositoryExternalId: repository,
    kind: 'release',
    environment: null,
    status: 'success',
    startedAt: release.published_at ?? release.created_at,
    finishedAt: release.published_at ?? release.created_at,
    url: release.html_url,
  }
}

const DEPLOYMENT_STATES: Record<GitHub.DeploymentStatus['state'], DeploymentInput['status']> = {
  success: 'success',
  // A superseded deployment had succeeded before a newer one replaced it.
  inactive: 'success',
  failure: 'failure',
  error: 'failure',
  in_progress: 'in_progress',
  queued: 'in_progress',
  pending: 'in_progress',
}

function deploymentInput(
  repository: string,
  deployment: GitHub.Deployment,
  statuses: GitHub.DeploymentStatus[]
): DeploymentInput {
  const latest = [...statuses].sort((a, b) => b.created_at.localeCompare(a.created_at))[0]
  const status = latest ? (DEPLOYMENT_STATES[latest.state] ?? 'in_progress') : 'in_progress'
  return {
    externalId: `deployment:${deployment.id}`,
    repositoryExternalId: repository,
    kind: 'deployment',
    environment: deployment.environment,
    status,
    sha: deployment.sha,
    startedAt: deployment.created_at,
    finishedAt: status === 'in_progress' ? null : (latest?.created_at ?? null),
  }
}

function workflowRunInput(repository: string, run: GitHub.WorkflowRun): DeploymentInput {
  const completed = run.status === 'completed'
  const status: DeploymentInput['status'] = !completed
    ? 'in_progress'
    : run.conclusion === 'success'
      ? 'success'
      : run.conclusion === 'cancelled' || run.conclusion === 'skipped'
        ? 'cancelled'
        : 'failure'
  return {
    externalId: `workflow_run:${run.id}`,
    repositoryExternalId: repository,
    kind: 'build',
    environment: run.name,
    status,
    sha: run.head_sha,
    startedAt: run.run_started_at ?? run.created_at,
    finishedAt: completed ? run.updated_at : null,
    url: run.html_url,
  }
}

async function syncRepository(
  context: SyncContext,
  client: GitHubClient,
  repository: StoredRepository
) {
  const id = repository.externalId
  const store = async (rows: DeploymentInput[]) => {
    await context.store.upsertDeployments(rows)
    return rows
  }
  await walkNewestFirst(
    context,
    `releases:${id}`,
    client.releasePages(repository.fullName),
    (page) => page.filter((release) => !release.draft),
    (releases) => store(releases.map((release) => releaseInput(id, release)))
  )
  await walkNewestFirst(
    context,
    `deployments:${id}`,
    client.deploymentPages(repository.fullName),
    (page) => page,
    async (deployments) =>
      store(
        await Promise.all(
          deployments.map(async (deployment) =>
            deploymentInput(
              id,
              deployment,
              await client.deploymentStatuses(repository.fullName, deployment.id)
            )
          )
        )
      )
  )
  if (repository.defaultBranch) {
    await walkNewestFirst(
      context,
      `workflow_runs:${id}`,
      client.workflowRunPages(repository.fullName, repository.defaultBranch),
      (page) => page.workflow_runs,
      (runs) => store(runs.map((run) => workflowRunInput(id, run)))
    )
  }
}

/**
 * Releases, deployments and workflow runs on the default branch: what
 * deployment frequency and lead time for changes are measured from.
 */
export async function syncDelivery(context: SyncContext) {
  const client = new GitHubClient(context.http)
  await eachMonitoredRepository(context, { parallel: REPOSITORIES_IN_PARALLEL }, (repository) =>
    syncRepository(context, client, repository)
  )
}

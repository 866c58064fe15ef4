import type { DeploymentInput, StoredRepository, SyncContext } from '#plugin-sdk'
import { BitbucketClient } from '../client.js'
import { environment as settings } from '../environment.js'
import type * as Bitbucket from '../types.js'
import { eachMonitoredRepository } from '#plugin-sdk'

/** a Bitbucket deployment to an environment; undeployed releases are not deployments yet */
export function deploymentInput(
  repositoryExternalId: string,
  deployment: Bitbucket.Deployment,
  environments: Map<string, string>
): DeploymentInput | null {
  const { state } = deployment
  const startedAt = state.start_date ?? deployment.release?.created_on
  if (!startedAt || (state.name !== 'COMPLETED' && state.name !== 'IN_PROGRESS')) return null
  let status: DeploymentInput['status'] = 'in_progress'
  if (state.name === 'COMPLETED') {
    if (state.status?.name === 'SUCCESSFUL') status = 'success'
    else if (state.status?.name === 'STOPPED') status = 'cancelled'
    else status = 'failure'
  }
  return {
    externalId: `deployment:${deployment.uuid}`,
    repositoryExternalId,
    kind: 'deployment',
    environment:
      deployment.environment.name ?? environments.get(deployment.environment.uuid) ?? null,
    status,
    sha: deployment.release?.commit?.hash ?? null,
    startedAt,
    finishedAt: state.completion_date ?? null,
    url: state.url ?? deployment.release?.url ?? null,
  }
}

/**
 * Deployments to environments (Bitbucket Deployments, fed by Pipelines'
 * deployment steps), newest first, down to the last run's newest; one
 * still in progress is read again until it completes. The environments
 * list names them (a deployment carries only its environment's UUID).
 */
export async function syncDeployments(context: SyncContext) {
  const client = new BitbucketClient(context.http)
  const horizon = Date.now() - settings.get('BITBUCKET_HISTORY_DAYS') * 86_400_000
  await eachMonitoredRepository(context, { parallel: 4 }, (repository) =>
    syncRepository(context, client, repository, horizon)
  )
}

async function syncRepository(
  context: SyncContext,
  client: BitbucketClient,
  repository: StoredRepository,
  horizon: number
) {
  const scope = `deployments:${repository.externalId}`
  const cursor = context.full ? null : await context.cursors.get(scope)
  const stopAt = Math.max(horizon, cursor ? Date.parse(cursor) : 0)
  const environments = new Map<string, string>()
  for await (const environment of client.environments(repository.fullName)) {
    environments.set(environment.uuid, environment.name)
  }
  let newest: string | null = null
  let oldestRunning: string | null = null
  for await (const page of client.deployments(repository.fullName)) {
    const rows = page.items
      .map((deployment) => deploymentInput(repository.externalId, deployment, environments))
      .filter((row): row is DeploymentInput => row !== null)
    const fresh = rows.filter((row) => Date.parse(String(row.startedAt)) >= stopAt)
    newest ??= fresh[0] ? String(fresh[0].startedAt) : null
    for (const row of fresh) if (row.status === 'in_progress') oldestRunning = String(row.startedAt)
    await context.store.upsertDeployments(fresh)
    if (fresh.length < rows.length) break
  }
  const next = oldestRunning ?? newest
  if (next) await context.cursors.set(scope, next)
}

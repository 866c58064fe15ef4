import type { DeploymentInput, SyncContext } from '#plugin-sdk'
import { API_VERSION, credentialHosts, organizationUrl } from '../client.js'
import type { Azure } from '../types.js'
import { projectOf } from './pull_requests.js'

const RELEASE_AREA = 'efc2f575-36ef-48e9-b672-0c6fb4a48ac5'

const CONTINUATION = {
  style: 'continuation-header',
  header: 'x-ms-continuationtoken',
  param: 'continuationToken',
} as const

function buildStatus(build: Azure.Build): DeploymentInput['status'] {
  if (build.status !== 'completed') return 'in_progress'
  if (build.result === 'succeeded' || build.result === 'partiallySucceeded') return 'success'
  if (build.result === 'canceled') return 'cancelled'
  return 'failure'
}

function deploymentStatus(deployment: Azure.Deployment): DeploymentInput['status'] {
  switch (deployment.deploymentStatus) {
    case 'succeeded':
    case 'partiallySucceeded':
      return 'success'
    case 'inProgress':
      return 'in_progress'
    case 'notDeployed':
      return 'cancelled'
    default:
      return 'failure'
  }
}

export function buildInput(build: Azure.Build, repositoryIds: Set<string>): DeploymentInput {
  const repositoryId = build.repository?.type === 'TfsGit' ? build.repository.id : null
  return {
    externalId: `build:${build.id}`,
    repositoryExternalId: repositoryId && repositoryIds.has(repositoryId) ? repositoryId : null,
    kind: 'build',
    environment: build.definition?.name ?? null,
    status: buildStatus(build),
    sha: build.sourceVersion ?? null,
    startedAt: build.startTime ?? build.queueTime ?? new Date().toISOString(),
    finishedAt: build.finishTime ?? null,
    url: build._links?.web?.href ?? null,
  }
}

/**
 * A classic release's Git artifact names the repository
 * (`definitionReference.definition`) and the commit it deployed
 * (`definitionReference.version`, the commit id): lead time per commit
 * walks that commit's ancestry.
 */
export function deploymentInput(
  deployment: Azure.Deployment,
  repositoryIds: Set<string>
): DeploymentInput {
  const git = deployment.release?.artifacts?.find((artifact) => artifact.type === 'Git')
  const repositoryId = git?.definitionReference?.definition?.id ?? null
  const version = git?.definitionReference?.version?.id ?? ''
  return {
    externalId: `release-deployment:${deployment.id}`,
    repositoryExternalId: repositoryId && repositoryIds.has(repositoryId) ? repositoryId : null,
    kind: 'deployment',
    environment: deployment.releaseEnvironment?.name ?? null,
    status: deploymentStatus(deployment),
    sha: /^[0-9a-f]{40}$/i.test(version) ? version.toLowerCase() : null,
    startedAt: deployment.startedOn ?? deployment.queuedOn ?? new Date().toISOString(),
    finishedAt: deployment.completedOn ?? null,
  }
}

/**
 * Where classic releases live: Azure DevOps Services serves them from
 * vsrm.dev.azure.com/{org} (its resource areas say so), Server from the
 * collection itself. A host outside the organisation's is not trusted
 * with the token.
 */
async function releaseBaseUrl(context: SyncContext): Promise<string | null> {
  const base = organizationUrl(context.connection)
  const areas = await context.http.get<{ count: number; value: Azure.ResourceArea[] | null }>(
    '/_apis/ResourceAreas',
    {
      query: { 'api-version': API_VERSION },
    }
  )
  const area = (areas.data.value ?? []).find((entry) => entry.id.toLowerCase() === RELEASE_AREA)
  if (!area) return base
  const location = new URL(area.locationUrl)
  if (!credentialHosts(base).has(location.host.toLowerCase())) {
    context.logger.warn(
      { host: location.host },
      'azure_devops: release host outside the organisation, releases skipped'
    )
    return null
  }
  return area.locationUrl.replace(/\/+$/, '')
}

/** the newest finish time seen, ISO */
const later = (a: string | null, b: string | null | undefined) => (!b ? a : !a || b > a ? b : a)

/**
 * Pipeline runs (builds) and classic release deployments, per project,
 * as deployments for DORA. Pages follow `x-ms-continuationtoken`; each
 * project's cursor is the newest finish time written, sent back as
 * `minTime` / `minStartedTime` so a re-sync asks only for what is newer.
 */
export async function syncDelivery(context: SyncContext) {
  const repositories = await context.store.repositories()
  const repositoryIds = new Set(repositories.map((repository) => repository.externalId))
  const projects = [...new Set(repositories.map(projectOf))]
  const releaseBase = await releaseBaseUrl(context)

  for (const project of projects) {
    const scope = `builds:${project}`
    const since = await context.cursors.get(scope)
    let newest = since
    for await (const page of context.http.paginate<unknown, Azure.Build>(
      `/${encodeURIComponent(project)}/_apis/build/builds`,
      {
        strategy: CONTINUATION,
        items: 'value',
        query: {
          'statusFilter': 'completed',
          'queryOrder': 'finishTimeDescending',
          '$top': 100,
          'api-version': API_VERSION,
          ...(since ? { minTime: since } : {}),
        },
      }
    )) {
      const fresh = page.items.filter((build) => !since || (build.finishTime ?? '') > since)
      if (fresh.length > 0)
        await context.store.upsertDeployments(
          fresh.map((build) => buildInput(build, repositoryIds))
        )
      for (const build of fresh) newest = later(newest, build.finishTime)
    }
    if (newest && newest !== since) await context.cursors.set(scope, newest)

    if (!releaseBase) continue
    const releaseScope = `release_deployments:${project}`
    const releasedSince = await context.cursors.get(releaseScope)
    let newestRelease = releasedSince
    for await (const page of context.http.paginate<unknown, Azure.Deployment>(
      `${releaseBase}/${encodeURIComponent(project)}/_apis/release/deployments`,
      {
        strategy: CONTINUATION,
        items: 'value',
        query: {
          'queryOrder': 'descending',
          '$top': 100,
          'api-version': API_VERSION,
          ...(releasedSince ? { minStartedTime: releasedSince } : {}),
        },
      }
    )) {
      const finished = page.items.filter(
        (deployment) =>
          deployment.completedOn && (!releasedSince || deployment.completedOn > releasedSince)
      )
      if (finished.length > 0)
        await context.store.upsertDeployments(
          finished.map((deployment) => deploymentInput(deployment, repositoryIds))
        )
      for (const deployment of finished)
        newestRelease = later(newestRelease, deployment.completedOn)
    }
    if (newestRelease && newestRelease !== releasedSince)
      await context.cursors.set(releaseScope, newestRelease)
  }
}

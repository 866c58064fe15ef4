import { randomBytes } from 'node:crypto'
import {
  HttpError,
  secretsMatch,
  type ConnectionHandle,
  type LifecycleContext,
  type PluginWebhooks,
  type WebhookContext,
  type WebhookVerifyHelpers,
} from '#plugin-sdk'
import { API_VERSION } from './client.js'
import { listRepositories, repositoryInput } from './sync/repositories.js'
import { contributorsOf, pullRequestInput } from './sync/pull_requests.js'
import { buildInput, deploymentInput } from './sync/delivery.js'
import type { Azure } from './types.js'
import { firstReviewOf, readThreads } from './sync/reviews.js'
import { writeMarkedPullRequestCommits } from './sync/pull_request_markers.js'

/**
 * Service hooks: Sextant subscribes itself, per project, to the events
 * it reads (Azure DevOps cannot sign payloads, so each subscription
 * posts to the connection's own URL, whose token the platform checks,
 * with basic-auth credentials unique to the connection, checked here in
 * constant time). They are deleted when the connection is.
 */

/** what Sextant subscribes to: [publisher, event type] */
export const SUBSCRIBED_EVENTS: Array<[publisherId: 'tfs' | 'rm', eventType: string]> = [
  ['tfs', 'git.pullrequest.created'],
  ['tfs', 'git.pullrequest.updated'],
  ['tfs', 'git.pullrequest.merged'],
  ['tfs', 'ms.vss-code.git-pullrequest-comment-event'],
  ['tfs', 'git.push'],
  ['tfs', 'build.complete'],
  ['rm', 'ms.vss-release.deployment-completed-event'],
  ['tfs', 'workitem.created'],
  ['tfs', 'workitem.updated'],
]

export const HOOK_USERNAME = 'sextant'

type StoredSubscription = { id: string; eventType: string; projectId: string }

const subscriptionsOf = (connection: ConnectionHandle) =>
  (Array.isArray(connection.config.serviceHooks)
    ? connection.config.serviceHooks
    : []) as StoredSubscription[]

async function deleteSubscriptions(
  connection: ConnectionHandle,
  subscriptions: StoredSubscription[]
) {
  const client = await connection.client()
  for (const subscription of subscriptions) {
    await client
      .request('DELETE', `/_apis/hooks/subscriptions/${encodeURIComponent(subscription.id)}`, {
        query: { 'api-version': API_VERSION },
      })
      .catch((error) => {
        // already gone: done
        if (!(error instanceof HttpError && error.status === 404)) throw error
      })
  }
}

/**
 * onConnected (and again after a reconnect, a Retry or a rotated URL):
 * the subscriptions made before are replaced by new ones pointing at
 * the connection's current URL and credentials.
 */
export async function registerServiceHooks({ connection, webhooks }: LifecycleContext) {
  const url = await webhooks.url()
  const password = connection.credentials.hookPassword ?? randomBytes(32).toString('base64url')
  if (!connection.credentials.hookPassword)
    await connection.update({ credentials: { hookPassword: password } })

  await deleteSubscriptions(connection, subscriptionsOf(connection))
  await connection.update({ config: { serviceHooks: [] } })

  const client = await connection.client()
  const repositories = await listRepositories({ http: client })
  const projects = [...new Set(repositories.map((repository) => repository.project.id))]
  const created: StoredSubscription[] = []
  try {
    for (const projectId of projects) {
      for (const [publisherId, eventType] of SUBSCRIBED_EVENTS) {
        const answer = await client.post<{ id: string }>('/_apis/hooks/subscriptions', {
          query: { 'api-version': API_VERSION },
          body: {
            publisherId,
            eventType,
            resourceVersion: '1.0',
            consumerId: 'webHooks',
            consumerActionId: 'httpRequest',
            publisherInputs: { projectId },
            consumerInputs: {
              url,
              basicAuthUsername: HOOK_USERNAME,
              basicAuthPassword: password,
              resourceDetailsToSend: 'all',
              messagesToSend: 'none',
              detailedMessagesToSend: 'none',
            },
          },
        })
        created.push({ id: answer.data.id, eventType, projectId })
      }
    }
  } finally {
    // what exists at the provider is remembered even when a later one failed, so it can be undone
    await connection.update({ config: { serviceHooks: created } })
  }
}

/** onDisconnecting: the subscriptions go (one already deleted counts as done) */
export async function removeServiceHooks({ connection }: LifecycleContext) {
  await deleteSubscriptions(connection, subscriptionsOf(connection))
  await connection.update({ config: { serviceHooks: [] } })
}

function basicPassword(header: string | undefined): { user: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '')
  if (!match) return null
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

type ServiceHookEvent = {
  id?: string
  eventType?: string
  resource?: unknown
}

/**
 * A pull request event: events may arrive out of order (an update before
 * the creation), so the pull request is read as Azure DevOps holds it now
 * rather than taken from whichever payload is processed last.
 */
async function upsertPullRequest({ delivery, connection }: WebhookContext) {
  if (!connection) return
  const resource = (delivery.payload as ServiceHookEvent).resource as
    | (Azure.PullRequest & { repository?: Azure.Repository })
    | { pullRequest?: Azure.PullRequest & { repository?: Azure.Repository } }
  // a comment event carries the pull request beside the comment
  const event = (
    'pullRequest' in (resource ?? {})
      ? (resource as { pullRequest?: unknown }).pullRequest
      : resource
  ) as (Azure.PullRequest & { repository?: Azure.Repository }) | undefined
  if (!event?.repository?.id || typeof event.pullRequestId !== 'number') return
  const client = await connection.client()
  let pull: Azure.PullRequest & { repository?: Azure.Repository }
  try {
    const current = await client.get<Azure.PullRequest & { repository?: Azure.Repository }>(
      `/${encodeURIComponent(event.repository.project.id)}/_apis/git/repositories/${event.repository.id}/pullrequests/${event.pullRequestId}`,
      { query: { 'api-version': API_VERSION }, conditional: false }
    )
    pull = current.data
  } catch (error) {
    // deleted since (the repository went): nothing to keep
    if (error instanceof HttpError && error.status === 404) return
    throw error
  }
  const hosted = pull.repository ?? event.repository
  let repository = await connection.store.repository(hosted.id)
  if (!repository && hosted.project) {
    await connection.store.upsertRepositories([repositoryInput(hosted)])
    repository = await connection.store.repository(hosted.id)
  }
  if (!repository) return
  const webBase =
    hosted.webUrl ??
    `${connection.baseUrl}/${encodeURIComponent(hosted.project.name)}/_git/${encodeURIComponent(hosted.name)}`
  const row = pullRequestInput(repository, pull, webBase)
  // who reviewed first, from the threads (a comment or a vote by someone else)
  const threads = await readThreads(client, hosted.project.id, hosted.id, pull.pullRequestId)
  row.firstReviewAt = firstReviewOf(pull, threads)
  // the description as the pull request now holds it (the payload's
  // resource.description may be an older edit's): an agent's marker in it
  // marks its commits, stored with their added lines first
  row.body = pull.description ?? null
  const commitShas = await writeMarkedPullRequestCommits(
    client,
    connection.store,
    hosted.project.id,
    repository,
    pull.pullRequestId,
    row.body
  )
  if (commitShas) row.commitShas = commitShas
  await connection.store.upsertContributors(contributorsOf([pull]))
  await connection.store.upsertPullRequests([row])
}

async function repositoryIds(connection: ConnectionHandle) {
  const stored = await connection.store.repositories()
  return new Set(stored.map((repository) => repository.externalId))
}

async function upsertBuild({ delivery, connection }: WebhookContext) {
  if (!connection) return
  const build = (delivery.payload as ServiceHookEvent).resource as Azure.Build
  if (!build?.id) return
  const ids = await repositoryIds(connection)
  await connection.store.upsertDeployments([buildInput(build, ids)])
}

async function upsertReleaseDeployment({ delivery, connection }: WebhookContext) {
  if (!connection) return
  const resource = (delivery.payload as ServiceHookEvent).resource as {
    deployment?: Azure.Deployment
  }
  if (!resource?.deployment?.id) return
  const ids = await repositoryIds(connection)
  await connection.store.upsertDeployments([deploymentInput(resource.deployment, ids)])
}

/**
 * A work item created or updated: events may arrive out of order, so the
 * work_items task reads what changed since its cursor (System.ChangedDate)
 * rather than trusting whichever payload is processed last.
 */
async function syncChangedWorkItems({ connection }: WebhookContext) {
  if (connection?.status === 'active') await connection.queueSync({ tasks: ['work_items'] })
}

/** code pushed: the commits task reads the default branch from its cursor */
async function syncPushedCommits({ connection }: WebhookContext) {
  if (connection?.status === 'active') await connection.queueSync({ tasks: ['commits'] })
}

/**
 * A hook made by hand for the old address (no per-connection URL): its
 * basic-auth user name is the connection's public id, its password the
 * service hook password typed when connecting.
 */
async function legacyConnection(
  given: { user: string; password: string } | null,
  helpers: WebhookVerifyHelpers
): Promise<ConnectionHandle | null> {
  if (!given || !/^[A-Za-z0-9]{1,32}$/.test(given.user)) return null
  const connection = await helpers.connection(given.user)
  const expected = connection?.credentials.hookPassword
  return connection && expected && secretsMatch(given.password, expected) ? connection : null
}

export const serviceHookWebhooks: PluginWebhooks = {
  authentication: 'url-token',
  // The address the system Sextant replaces had admins give service hooks by hand.
  legacyPaths: ['/api/webhook-azure-devops'],
  legacyPathAuthentication: 'verify',
  async verify(request, helpers) {
    const given = basicPassword(request.headers.authorization)
    const expected = request.connection?.credentials.hookPassword
    const connection = request.connection
      ? expected &&
        given &&
        secretsMatch(given.password, expected) &&
        secretsMatch(given.user, HOOK_USERNAME)
        ? request.connection
        : null
      : await legacyConnection(given, helpers)
    if (!connection) {
      return {
        ok: false,
        status: 401,
        reason: "The service hook did not send this connection's basic-auth credentials",
      }
    }
    const event = request.body as ServiceHookEvent
    if (!event || typeof event.eventType !== 'string') {
      return { ok: false, status: 400, reason: 'A service hook event names its eventType' }
    }
    return {
      ok: true,
      deliveryId: typeof event.id === 'string' ? event.id : null,
      event: event.eventType,
      connectionPublicId: connection.publicId,
    }
  },
  handlers: {
    'git.pullrequest.created': upsertPullRequest,
    'git.pullrequest.updated': upsertPullRequest,
    'git.pullrequest.merged': upsertPullRequest,
    'ms.vss-code.git-pullrequest-comment-event': upsertPullRequest,
    'build.complete': upsertBuild,
    'ms.vss-release.deployment-completed-event': upsertReleaseDeployment,
    'workitem.created': syncChangedWorkItems,
    'workitem.updated': syncChangedWorkItems,
    'git.push': syncPushedCommits,
  },
}

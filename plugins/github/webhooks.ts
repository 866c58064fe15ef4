import { verify } from '@octokit/webhooks-methods'
import type {
  InstallationEvent,
  InstallationRepositoriesEvent,
  PullRequestEvent,
} from '@octokit/webhooks-types'
import type { PluginWebhooks, WebhookContext } from '#plugin-sdk'
import { GitHubClient } from './client.js'
import { resolveAppConfig } from './config.js'
import { pullRequestMarker } from '#plugin-sdk'
import { writeCommits } from './sync/commits.js'
import { pullRequestInput, repositoryInput, uniqueContributors } from './sync/mappers.js'
import type * as GitHub from './types.js'

/**
 * GitHub's deliveries: signed with the App's webhook secret
 * (X-Hub-Signature-256), named by X-GitHub-Delivery (the platform drops
 * a redelivery it has already stored) and routed to the connection by
 * the installation id in the payload.
 */
export const gitHubWebhooks: PluginWebhooks = {
  // the router treats a trailing slash as the same URL
  // the old system's paths: the App's webhook URL and the installation service's
  legacyPaths: ['/api/webhook-github/', '/api/v1/github/webhook'],
  async verify(request) {
    const { webhookSecret: secret } = await resolveAppConfig()
    if (!secret)
      return { ok: false, status: 401, reason: 'the GitHub webhook secret is not configured' }
    const signature = request.headers['x-hub-signature-256']
    if (!signature) return { ok: false, status: 401, reason: 'X-Hub-Signature-256 is missing' }
    const signed = await verify(secret, request.rawBody.toString('utf8'), signature).catch(
      () => false
    )
    if (!signed) return { ok: false, status: 401, reason: 'the signature does not match' }
    const deliveryId = request.headers['x-github-delivery']
    const event = request.headers['x-github-event']
    if (!deliveryId || !event) {
      return { ok: false, status: 400, reason: 'X-GitHub-Delivery and X-GitHub-Event are required' }
    }
    // JSON, or the form content type's "payload" field: the platform parses both
    const body = request.body as DeliveryBody
    return {
      ok: true,
      deliveryId,
      event,
      action: typeof body?.action === 'string' ? body.action : null,
      accountKey: body?.installation?.id === undefined ? null : String(body.installation.id),
    }
  },
  handlers: {
    'ping': async () => {},
    'installation.created': async ({ connection }) => {
      // The setup callback creates the connection; a delivery that arrives first has none yet.
      if (connection && connection.status !== 'active')
        await connection.update({ status: 'active' })
    },
    'installation.deleted': async ({ connection, logger }) => {
      if (!connection) return
      await connection.remove()
      logger.info({ connection: connection.publicId }, 'GitHub App uninstalled: connection removed')
    },
    'installation.suspend': async ({ connection }) => {
      if (!connection) return
      await connection.update({ status: 'inactive' })
      await connection.forgetAccessToken()
    },
    'installation.unsuspend': async ({ connection }) => {
      if (!connection) return
      await connection.forgetAccessToken()
      // Mint at once: a token refused here leaves the connection inactive and the delivery retried.
      await connection.accessToken()
      await connection.update({ status: 'active' })
    },
    'installation_repositories.added': async ({ connection, delivery }) => {
      if (!connection) return
      const payload = delivery.payload as InstallationRepositoriesEvent
      const client = new GitHubClient(await connection.client())
      // The event names the repositories only; their details (default branch) come from the API.
      const repositories: GitHub.Repository[] = []
      for (const added of payload.repositories_added) {
        const response = await client.http.get<GitHub.Repository>(`/repos/${added.full_name}`)
        repositories.push(response.data)
      }
      await connection.store.upsertRepositories(repositories.map(repositoryInput))
      await connection.store.setMonitored(
        repositories.map((repository) => String(repository.id)),
        true
      )
    },
    'installation_repositories.removed': async ({ connection, delivery }) => {
      if (!connection) return
      const payload = delivery.payload as InstallationRepositoriesEvent
      await connection.store.detachRepositories(
        payload.repositories_removed.map((repository) => String(repository.id))
      )
    },
    'pull_request': handlePullRequest,
  },
}

async function handlePullRequest(context: WebhookContext) {
  const { connection, delivery, logger } = context
  if (!connection || connection.status !== 'active') return
  const payload = delivery.payload as PullRequestEvent
  const pull = payload.pull_request
  const repository = payload.repository
  const repositoryId = String(repository.id)
  const client = new GitHubClient(await connection.client())
  // The payload carries the pull request in full but not its reviews and
  // commits; without them the upsert would erase review times a sync stored.
  const [reviews, commits] = await Promise.all([
    client.reviews(repository.full_name, pull.number),
    client.pullRequestCommits(repository.full_name, pull.number),
  ])
  await connection.store.upsertRepositories([
    repositoryInput(repository as unknown as GitHub.Repository),
  ])
  await connection.store.upsertContributors(
    uniqueContributors([pull.user as GitHub.Account, ...reviews.map((review) => review.user)])
  )
  // the commits first: the core's AI-code policy, evaluated once this
  // handler has written the pull request, reads their AI marks
  // with the lines each signalled commit added; every commit's when the
  // body carries an agent's marker
  await writeCommits(
    connection.store,
    client,
    { externalId: repositoryId, fullName: repository.full_name },
    commits,
    { all: pullRequestMarker(pull.body as string | null) !== null }
  )
  const input = {
    ...pullRequestInput(repositoryId, pull as unknown as GitHub.PullRequest, {
      detail: pull as unknown as GitHub.PullRequestDetail,
      reviews,
      commits,
    }),
    commitShas: commits.map((commit) => commit.sha),
  }
  // a draft marked ready for review: time to first review starts now (the
  // pull request's updated_at is the moment of that change); other
  // deliveries leave the stored moment as it is
  if (payload.action === 'ready_for_review') input.readyForReviewAt = pull.updated_at
  await connection.store.upsertPullRequests([input])
  logger.debug({ action: payload.action }, 'pull request stored')
}

type DeliveryBody = { action?: unknown; installation?: { id?: unknown } } | undefined

export type { InstallationEvent }

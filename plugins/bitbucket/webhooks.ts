import {
  hmacSha256Matches,
  type PluginWebhooks,
  type WebhookContext,
  type WebhookRequest,
  type WebhookVerifyHelpers,
} from '#plugin-sdk'
import { BitbucketClient } from './client.js'
import { repositoryInput } from './sync/mappers.js'
import { writePullRequests } from './sync/pull_requests.js'
import type * as Bitbucket from './types.js'

type Payload = {
  repository?: Partial<Bitbucket.Repository> & { uuid: string; full_name: string }
  pullrequest?: Bitbucket.PullRequest
}

/** the workspace a delivery is about: its account key */
function workspaceOfPayload(body: unknown) {
  const repository = (body as Payload | undefined)?.repository
  return repository?.workspace?.slug ?? repository?.full_name?.split('/')[0] ?? null
}

/**
 * A delivery is genuine when its X-Hub-Signature (`sha256=` HMAC of
 * the raw body) matches the secret of a connection of the workspace it
 * names, compared in constant time. X-Request-UUID is the delivery id
 * (a redelivery is processed once) and X-Event-Key the event.
 */
async function verify(request: WebhookRequest, helpers: WebhookVerifyHelpers) {
  const event = request.headers['x-event-key']
  const signature = request.headers['x-hub-signature']
  if (!event) return { ok: false as const, status: 400 as const, reason: 'no X-Event-Key' }
  if (!signature) return { ok: false as const, reason: 'unsigned delivery' }
  const workspace = workspaceOfPayload(request.body)
  if (!workspace) return { ok: false as const, status: 400 as const, reason: 'no repository' }
  const connections = await helpers.connectionsFor(workspace)
  const signed = connections.some((connection) =>
    hmacSha256Matches(
      connection.credentials.webhookSecret ?? '',
      request.rawBody,
      signature,
      'sha256='
    )
  )
  if (!signed) return { ok: false as const, reason: 'bad signature' }
  return {
    ok: true as const,
    deliveryId: request.headers['x-request-uuid'] || null,
    event,
    accountKey: workspace,
  }
}

/** the pull request as the delivery carries it, with its activity and diffstat read */
async function upsertPullRequest({ delivery, connection }: WebhookContext) {
  const payload = delivery.payload as Payload
  if (!connection || !payload.pullrequest || !payload.repository) return
  const repository = payload.repository
  const stored = await connection.store.repository(repository.uuid)
  // a repository the organisation chose not to monitor is not read
  if (stored && !stored.monitored) return
  if (!stored) {
    await connection.store.upsertRepositories([
      repositoryInput({
        ...repository,
        name: repository.name ?? repository.full_name.split('/')[1],
        is_private: repository.is_private ?? true,
        updated_on: repository.updated_on ?? new Date().toISOString(),
        links: { html: repository.links?.html ?? { href: '' }, clone: repository.links?.clone },
      } as Bitbucket.Repository),
    ])
  }
  const client = new BitbucketClient(await connection.client())
  const target = { externalId: repository.uuid, fullName: repository.full_name }
  await writePullRequests(connection, client, target, [payload.pullrequest], 0)
}

async function pushed({ connection }: WebhookContext) {
  await connection?.queueSync({ tasks: ['commits', 'pipelines'] })
}

const pullRequestEvents = [
  'pullrequest:created',
  'pullrequest:updated',
  'pullrequest:approved',
  'pullrequest:unapproved',
  'pullrequest:fulfilled',
  'pullrequest:rejected',
  'pullrequest:comment_created',
]

export const bitbucketWebhooks: PluginWebhooks = {
  // the path the system Sextant replaces registered
  legacyPaths: ['/api/webhook-bitbucket/'],
  verify,
  handlers: {
    ...Object.fromEntries(pullRequestEvents.map((event) => [event, upsertPullRequest])),
    'repo:push': pushed,
  },
}

import { randomBytes } from 'node:crypto'
import type { LifecycleContext, PluginWebhooks } from '#plugin-sdk'
import { hmacSha256Matches } from '#plugin-sdk'
import { SnykClient } from './client.js'
import { syncProject } from './sync/project.js'
import { snykOrgIdOf } from './sync/issues.js'

type Delivery = { project?: { id?: string }; org?: { id?: string } }

/**
 * Snyk's webhooks (v1, per organisation): each connection registers its
 * own with its own secret, at the plugin's URL with `?organization=<id>`
 * (a ping names no organisation in its body). Snyk signs the raw body:
 * `X-Hub-Signature: sha256=<HMAC-SHA256 hex>`; `X-Snyk-Event` is
 * `ping/v0` or `project_snapshot/v0`; `X-Snyk-Transport-ID` names the
 * delivery.
 */
export const snykWebhooks: PluginWebhooks = {
  async verify(request, helpers) {
    const body = (request.body ?? {}) as Delivery
    const orgId = (request.query.organization ?? body.org?.id ?? '').toLowerCase()
    const signature = request.headers['x-hub-signature']
    const event = (request.headers['x-snyk-event'] ?? '').split('/')[0]
    if (!orgId || !signature || !event) {
      return { ok: false, status: 401, reason: 'unsigned or unaddressed delivery' }
    }
    const connections = await helpers.connectionsFor(orgId)
    const signedBy = connections.find((connection) => {
      const secret = connection.credentials.webhookSecret
      return secret ? hmacSha256Matches(secret, request.rawBody, signature, 'sha256=') : false
    })
    if (!signedBy) return { ok: false, status: 401, reason: 'signature does not match' }
    return {
      ok: true,
      deliveryId: request.headers['x-snyk-transport-id'] || null,
      event,
      accountKey: orgId,
    }
  },
  handlers: {
    // Snyk checks a new webhook with a ping: the 202 is the answer
    async ping({ logger }) {
      logger.info('Snyk webhook ping received')
    },
    async project_snapshot({ delivery, connection, logger }) {
      const projectId = (delivery.payload as Delivery).project?.id
      if (!connection || !projectId) return
      const written = await syncProject(connection, projectId)
      logger.info({ written }, 'Snyk project re-read after its snapshot')
    },
  },
}

/** registers the organisation's webhook (replacing an earlier one) with a fresh secret */
export async function registerWebhook({ connection, webhooks }: LifecycleContext) {
  const client = new SnykClient(await connection.client())
  const orgId = snykOrgIdOf(connection)
  const previous = connection.config.webhookId
  if (typeof previous === 'string' && previous) await client.deleteWebhook(orgId, previous)
  const secret = randomBytes(32).toString('hex')
  const url = new URL(await webhooks.url())
  url.searchParams.set('organization', orgId)
  const webhook = await client.createWebhook(orgId, url.toString(), secret)
  await connection.update({
    config: { webhookId: webhook.id },
    credentials: { webhookSecret: secret },
  })
}

export async function removeWebhook({ connection }: LifecycleContext) {
  const webhookId = connection.config.webhookId
  if (typeof webhookId !== 'string' || !webhookId) return
  await new SnykClient(await connection.client()).deleteWebhook(snykOrgIdOf(connection), webhookId)
}

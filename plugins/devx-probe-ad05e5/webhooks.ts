import {
  hmacSha256Matches,
  type PluginWebhooks,
  type WebhookRequest,
  type WebhookVerification,
} from '#plugin-sdk'
import type { DevxProbeAd05e5Repository } from './client.js'
import { toRepositoryInput } from './sync/repositories.js'

/**
 * The shared secret Devx Probe Ad05e5 signs its deliveries with. A plugin cannot
 * declare variables in the core's env schema, so it reads its own.
 */
export const WEBHOOK_SECRET_VARIABLE = 'DEVX_PROBE_AD05E5_WEBHOOK_SECRET'

/**
 * CHANGE: the header names your provider sends. Header names arrive in
 * lower case.
 */
export const WEBHOOK_HEADERS = {
  signature: 'x-devx-probe-ad05e5-signature',
  delivery: 'x-devx-probe-ad05e5-delivery',
  event: 'x-devx-probe-ad05e5-event',
  account: 'x-devx-probe-ad05e5-account',
} as const

/**
 * Runs before anything is stored: refuse what is not signed with the
 * secret (401) and what lacks a delivery id or event (400). The delivery
 * id is what the platform de-duplicates redeliveries by.
 */
export function verifyDelivery(request: WebhookRequest): WebhookVerification {
  const secret = process.env[WEBHOOK_SECRET_VARIABLE]
  if (!secret) return { ok: false, status: 401, reason: `${WEBHOOK_SECRET_VARIABLE} is not set` }
  // CHANGE: the signature's prefix ("sha256=" here), or another scheme.
  const signature = request.headers[WEBHOOK_HEADERS.signature]
  if (!hmacSha256Matches(secret, request.rawBody, signature, 'sha256=')) {
    return { ok: false, status: 401, reason: 'The signature does not match the body' }
  }
  const deliveryId = request.headers[WEBHOOK_HEADERS.delivery]
  const event = request.headers[WEBHOOK_HEADERS.event]
  if (!deliveryId || !event) {
    return { ok: false, status: 400, reason: 'A delivery id and an event header are required' }
  }
  const action = (request.body as { action?: unknown } | undefined)?.action
  return {
    ok: true,
    deliveryId,
    event,
    action: typeof action === 'string' ? action : null,
    // Must equal the connection's account key to reach its organisation.
    accountKey: request.headers[WEBHOOK_HEADERS.account] ?? null,
  }
}

/**
 * Handlers run later, from the queue, with retries. The platform picks
 * "event.action" first, then "event", then "*".
 * CHANGE: your provider's events and payload shapes.
 */
export const webhooks: PluginWebhooks = {
  verify: verifyDelivery,
  handlers: {
    async repository({ delivery, connection, logger }) {
      if (!connection) {
        logger.warn(`devx-probe-ad05e5 delivery ${delivery.id} names no connected account; ignored`)
        return
      }
      const { repository } = delivery.payload as { repository: DevxProbeAd05e5Repository }
      await connection.store.upsertRepositories([toRepositoryInput(repository)])
    },
  },
}

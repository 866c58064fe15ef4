import { createHmac, randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { ConnectionHandle, WebhookContext, WebhookRequest } from '#plugin-sdk/types'
import type { CoreStatusChecks } from '#plugin-sdk/status_checks'
import { parseWebhookBody } from '#services/webhooks/bodies'
import { silentLogger } from './fake_connection.js'

/**
 * Webhook deliveries for a plugin's tests: signatures as providers
 * compute them, a WebhookRequest to hand `webhooks.verify()` directly,
 * the context a handler receives, and real deliveries POSTed to the
 * running test server (the plugin's shared URL, or a connection's token
 * URL).
 */

/** HMAC-SHA256 of the body, hex, with a prefix (GitHub: `sha256=`); base64 with `encoding`. */
export function hmacSha256(
  secret: string,
  body: string | Buffer,
  options: { prefix?: string; encoding?: 'hex' | 'base64' } = {}
) {
  const digest = createHmac('sha256', secret)
    .update(body)
    .digest(options.encoding ?? 'hex')
  return `${options.prefix ?? ''}${digest}`
}

export type WebhookRequestInput = {
  /** an object is sent as JSON, a URLSearchParams as a form */
  body: Record<string, unknown> | URLSearchParams | string
  headers?: Record<string, string>
  method?: string
  url?: string
  connection?: ConnectionHandle | null
  /** signs the raw body into this header */
  sign?: { secret: string; header: string; prefix?: string; encoding?: 'hex' | 'base64' }
}

function encoded(body: WebhookRequestInput['body']) {
  if (body instanceof URLSearchParams) {
    return { raw: body.toString(), contentType: 'application/x-www-form-urlencoded' }
  }
  if (typeof body === 'string') return { raw: body, contentType: 'application/json' }
  return { raw: JSON.stringify(body), contentType: 'application/json' }
}

/** What the platform hands `webhooks.verify()` and `handshake()` for one request. */
export function webhookRequest(input: WebhookRequestInput): WebhookRequest {
  const { raw, contentType } = encoded(input.body)
  const rawBody = Buffer.from(raw)
  const headers: Record<string, string> = { 'content-type': contentType }
  for (const [name, value] of Object.entries(input.headers ?? {}))
    headers[name.toLowerCase()] = value
  if (input.sign)
    headers[input.sign.header.toLowerCase()] = hmacSha256(input.sign.secret, rawBody, input.sign)
  const url = input.url ?? '/api/webhooks/plugin'
  // parsed as the platform parses what it receives
  const body = parseWebhookBody(rawBody, contentType)
  return {
    method: input.method ?? 'POST',
    url,
    query: Object.fromEntries(new URL(url, 'http://localhost').searchParams),
    contentType,
    headers,
    rawBody,
    body,
    connection: input.connection ?? null,
  }
}

/** What a webhook handler receives for one delivery. */
export function webhookContext(input: {
  event: string
  action?: string | null
  payload: unknown
  connection: ConnectionHandle | null
  headers?: Record<string, string>
  /**
   * The core's status checks as the handler sees them; by default one
   * that posts nothing and answers "unsupported" (pass your own to record
   * what a handler posts).
   */
  statusChecks?: CoreStatusChecks
}): WebhookContext & { settle(): Promise<void> } {
  let transaction: TransactionClientContract | null = null

  return {
    async transaction() {
      return (transaction ??= await db.transaction())
    },
    /** commits what the handler wrote through transaction(), as the platform does after it returns */
    async settle() {
      if (transaction && !transaction.isCompleted) await transaction.commit()
    },
    delivery: {
      id: randomUUID(),
      event: input.event,
      action: input.action ?? null,
      payload: input.payload,
      headers: input.headers ?? {},
      receivedAt: new Date(),
    },
    connection: input.connection,
    logger: silentLogger(),
    statusChecks: input.statusChecks ?? {
      post: async () => ({
        outcome: 'unsupported',
        reason: 'no status checks in this test context',
      }),
    },
  }
}

/**
 * POSTs a delivery to the test server the suite started (HOST, PORT):
 * `/api/webhooks/<pluginId>`, or `path` (a connection's token URL, a
 * legacy path). Resolves with the platform's answer; the handler runs
 * later, from the queue.
 */
export async function postDelivery(
  input: WebhookRequestInput & { pluginId?: string; path?: string }
) {
  const request = webhookRequest(input)
  const path = input.path ?? `/api/webhooks/${input.pluginId}`
  if (!input.path && !input.pluginId) throw new Error('postDelivery needs a pluginId or a path')
  const host = process.env.HOST ?? '127.0.0.1'
  return fetch(`http://${host}:${process.env.PORT}${path}`, {
    method: input.method ?? 'POST',
    headers: request.headers,
    body: input.method === 'GET' ? undefined : request.rawBody,
  })
}

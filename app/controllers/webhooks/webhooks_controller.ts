import type { HttpContext } from '@adonisjs/core/http'
import ReceiveWebhook, {
  type ConnectionWebhookAddress,
  type IncomingWebhook,
} from '#actions/webhooks/receive_webhook'
import AnswerWebhookHandshake from '#actions/webhooks/answer_webhook_handshake'
import { mediaType, parseWebhookBody } from '#services/webhooks/bodies'
import { maskWebhookToken } from '#services/webhooks/connection_tokens'

export default class WebhooksController {
  /**
   * POST /api/webhooks/:plugin, a connection's own URL
   * (/api/webhooks/:plugin/c/:connection/:token) and each plugin's legacy
   * paths. Answers 202 once the delivery is stored; the work happens in a
   * job. Bodies over WEBHOOK_MAX_BODY never get here (413 from the body
   * parser).
   */
  async receive(ctx: HttpContext) {
    const receipt = await new ReceiveWebhook().execute({
      pluginId: String(ctx.params.plugin ?? ''),
      request: incomingWebhook(ctx),
      address: addressOf(ctx),
      legacyPath: ctx.params.legacyPath === true,
    })
    if (receipt.outcome === 'refused') {
      return ctx.response.status(receipt.status).send({ error: receipt.reason })
    }
    return ctx.response.status(202).send({ status: receipt.outcome, delivery: receipt.deliveryId })
  }

  /** GET on the same URLs: the provider's validation request, answered by the plugin */
  async handshake(ctx: HttpContext) {
    const answer = await new AnswerWebhookHandshake().execute({
      pluginId: String(ctx.params.plugin ?? ''),
      request: incomingWebhook(ctx),
      address: addressOf(ctx),
    })
    if (answer.outcome === 'refused') {
      return ctx.response.status(answer.status).send({ error: answer.reason })
    }
    if (typeof answer.body === 'string') {
      ctx.response.header('content-type', 'text/plain; charset=utf-8')
    }
    return ctx.response.status(answer.status).send(answer.body)
  }
}

function addressOf(ctx: HttpContext): ConnectionWebhookAddress | null {
  const { connection, token } = ctx.params
  return connection && token
    ? { connectionPublicId: String(connection), token: String(token) }
    : null
}

function incomingWebhook(ctx: HttpContext): IncomingWebhook {
  const { request } = ctx
  const rawBody = Buffer.from(request.raw() ?? '', 'utf8')
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers())) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value
    else if (Array.isArray(value)) headers[name.toLowerCase()] = value.join(', ')
  }
  const query: Record<string, string> = {}
  for (const [name, value] of new URL(request.url(true), 'http://sextant').searchParams) {
    query[name] = value
  }
  const contentType = mediaType(headers['content-type'])
  return {
    method: request.method(),
    url: maskWebhookToken(request.url(true)),
    query,
    contentType,
    headers,
    rawBody,
    body: rawBody.length > 0 ? parseWebhookBody(rawBody, contentType) : undefined,
  }
}

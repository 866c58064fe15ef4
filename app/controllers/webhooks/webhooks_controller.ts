import type { HttpContext } from '@adonisjs/core/http'
import string from '@adonisjs/core/helpers/string'
import env from '#start/env'
import ReceiveWebhook from '#actions/webhooks/receive_webhook'

/**
 * Bodies above this are refused with 413 before anything is verified or
 * stored (GitHub caps its payloads at 25 MB; most providers far lower).
 */
const maxBodyBytes = () => string.bytes.parse(env.get('WEBHOOK_MAX_BODY', '25mb')) ?? 26_214_400

export default class WebhooksController {
  /**
   * POST /api/webhooks/:plugin and each plugin's legacy paths. Answers
   * 202 once the delivery is stored; the work happens in a job.
   */
  async receive(ctx: HttpContext) {
    const { request, response, params } = ctx
    const pluginId = String(params.plugin ?? '')
    const rawBody = Buffer.from(request.raw() ?? '', 'utf8')
    if (rawBody.length > maxBodyBytes()) {
      return response.status(413).send({ error: 'The delivery is larger than this server accepts' })
    }
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(request.headers())) {
      if (typeof value === 'string') headers[name.toLowerCase()] = value
      else if (Array.isArray(value)) headers[name.toLowerCase()] = value.join(', ')
    }
    const receipt = await new ReceiveWebhook().execute({
      pluginId,
      request: { headers, rawBody, body: request.body() },
    })
    if (receipt.outcome === 'refused') {
      return response.status(receipt.status).send({ error: receipt.reason })
    }
    return response.status(202).send({ status: receipt.outcome, delivery: receipt.deliveryId })
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import ReceiveWebhook from '#actions/webhooks/receive_webhook'

export default class WebhooksController {
  /**
   * POST /api/webhooks/:plugin and each plugin's legacy paths. Answers
   * 202 once the delivery is stored; the work happens in a job. Bodies
   * over WEBHOOK_MAX_BODY never get here (413 from the body parser).
   */
  async receive(ctx: HttpContext) {
    const { request, response, params } = ctx
    const pluginId = String(params.plugin ?? '')
    const rawBody = Buffer.from(request.raw() ?? '', 'utf8')
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

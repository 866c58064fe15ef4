import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { pluginRegistry } from '#services/plugins/registry'
import { countRequest, webhookRateLimit } from '#services/api_rate_limits'

/**
 * Webhook receivers: deliveries are counted per source plugin, so a
 * flood from one provider is refused (429, Retry-After, JSON: webhook
 * routes are API routes for the exception handler) before it is
 * verified and stored, and cannot take the database or the workers from
 * the pages and the other providers. Providers retry refused deliveries
 * (GitHub's redelivery, Azure DevOps' service hooks, Bitbucket's retries).
 */
export default class WebhookRateLimitMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: { pluginId?: string } = {}) {
    const pluginId = options.pluginId ?? String(ctx.params.plugin ?? '')
    // unknown plugins are answered 404 by the receiver; their names are not counted
    if (!pluginRegistry.get(pluginId)?.definition.webhooks) return next()
    await countRequest(ctx, ctx.response, {
      policy: `webhooks-${pluginId}`,
      key: `webhooks:${pluginId}`,
      quota: webhookRateLimit(),
      subject: `deliveries from ${pluginId}`,
    })
    return next()
  }
}

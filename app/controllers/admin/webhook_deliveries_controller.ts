import type { HttpContext } from '@adonisjs/core/http'
import sextantConfig from '#config/sextant'
import ListDeliveries from '#actions/webhooks/list_deliveries'
import RetryDelivery, { DeliveryNotRetryableError } from '#actions/webhooks/retry_delivery'
import { deliveryFiltersValidator } from '#validators/webhooks'

/**
 * Webhook deliveries in the admin area: what failed, and a Retry button.
 */
export default class WebhookDeliveriesController {
  async index(ctx: HttpContext) {
    const filters = await ctx.request.validateUsing(deliveryFiltersValidator, {
      data: ctx.request.qs(),
    })
    const deliveries = await new ListDeliveries().execute(filters)
    return ctx.view.render('pages/admin/webhooks', { deliveries, filters })
  }

  async retry(ctx: HttpContext) {
    try {
      await new RetryDelivery().execute(ctx.params.delivery)
      ctx.session.flash('success', 'Delivery queued again.')
    } catch (error) {
      if (!(error instanceof DeliveryNotRetryableError)) throw error
      ctx.session.flash('error', error.message)
    }
    return ctx.response.redirect(`${sextantConfig.auth.adminPath}/webhooks`)
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import sextantConfig from '#config/sextant'
import ListDeliveries from '#actions/webhooks/list_deliveries'
import RetryDelivery from '#actions/webhooks/retry_delivery'
import { redrawOnRefusal } from '#exceptions/form_refusal'
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
    const deliveries = `${sextantConfig.auth.adminPath}/webhooks`
    redrawOnRefusal(ctx, { redirectTo: deliveries })
    await new RetryDelivery().execute(ctx.params.delivery)
    ctx.session.flash('success', 'Delivery queued again.')
    return ctx.response.redirect(deliveries)
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import UpdateMarketingConsent from '#actions/account/update_marketing_consent'

/**
 * Security → Product emails: the signed-in person's own opt-in. An
 * unchecked box (nothing sent) is an opt-out.
 */
export default class MarketingConsentController {
  async update(ctx: HttpContext) {
    const consent = ['on', 'true', '1'].includes(String(ctx.request.input('marketingConsent', '')))
    const { changed } = await new UpdateMarketingConsent().execute({
      user: ctx.auth.use('web').user!,
      consent,
    })
    if (changed) {
      ctx.session.flash(
        'success',
        consent ? 'You will receive product emails.' : 'You will no longer receive product emails.'
      )
    }
    return ctx.response.redirect('/settings/security')
  }
}

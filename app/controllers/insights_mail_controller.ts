import type { HttpContext } from '@adonisjs/core/http'
import SetInsightsMail from '#actions/agreements/set_insights_mail'
import { INSIGHTS_MAIL_PURPOSE, membershipOrganizationName } from '#services/agreements/mail_links'

/**
 * The unsubscribe link of a weekly digest: signed for one membership, it
 * works signed out and stops that member's insights mail of that
 * organisation. A tampered link stops nothing.
 */
export default class InsightsMailController {
  async stop(ctx: HttpContext) {
    if (!ctx.request.hasValidSignature(INSIGHTS_MAIL_PURPOSE)) {
      ctx.response.status(403)
      return ctx.view.render('pages/insights_mail/stopped', { valid: false })
    }
    await new SetInsightsMail().execute({
      membershipPublicId: ctx.params.membership,
      receive: false,
    })
    return ctx.view.render('pages/insights_mail/stopped', {
      valid: true,
      organizationName: await membershipOrganizationName(ctx.params.membership),
    })
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import { memberCan } from '#abilities/main'
import { organizationNow, resolveFilters } from '#services/insights_pages/date_range'
import { complianceDetail } from '#services/insights_pages/compliance_page'
import { respondWithDashboard } from '#services/insights_pages/respond'
import { agreementStrip } from '#queries/working_agreements'

/**
 * Compliance Detail: per jurisdiction, the standards that apply and each
 * control's evidence status, derived from the organisation's data.
 */
export default class ComplianceController {
  async show(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    const filters = await resolveFilters(ctx.request.qs(), organizationNow(ctx.organization!))
    const detail = await complianceDetail(ctx.organization!.id, filters.geography)
    if (detail.unknownGeography) ctx.response.status(404)
    return respondWithDashboard(ctx, {
      path: '/insights/compliance',
      page: 'pages/insights/compliance',
      partial: 'partials/insights/compliance_body',
      filters,
      tables: detail.tables,
      fileName: `compliance-${detail.selected ?? 'none'}`,
      keep: detail.selected ? { geography: detail.selected } : {},
      data: { detail, agreements: await agreementStrip(ctx.organization!.id, null) },
    })
  }
}

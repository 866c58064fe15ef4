import type { HttpContext } from '@adonisjs/core/http'
import ListAuditEvents from '#actions/audit/list_audit_events'
import { memberCan } from '#abilities/main'
import { AUDIT_EVENTS } from '#services/audit'
import { auditFiltersValidator } from '#validators/auth'
import { filtersOrDefault } from '#services/list_filters'

export default class AuditController {
  async index(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'audit.view')
    const { filters, filterError } = await filtersOrDefault(auditFiltersValidator, ctx.request.qs())
    if (filterError) ctx.response.status(422)
    const events = await new ListAuditEvents().execute(ctx.organization!.id, filters)
    events.baseUrl('/settings/audit').queryString({ ...filters, page: undefined })
    const data = { events, filters, filterError, eventNames: AUDIT_EVENTS }
    return ctx.view.render(
      ctx.htmx.wantsPartial ? 'partials/audit_table' : 'pages/settings/audit',
      data
    )
  }
}

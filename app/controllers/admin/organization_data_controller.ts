import type { HttpContext } from '@adonisjs/core/http'
import { redrawOnRefusal } from '#exceptions/form_refusal'
import Organization from '#models/organization'
import DeleteOrganization from '#actions/organizations/delete_organization'
import DeleteOrganizationConfirmed from '#actions/admin/delete_organization_confirmed'
import DeleteOrganizationDataConfirmed from '#actions/admin/delete_organization_data_confirmed'
import { requestMeta } from '#services/auth_session'

/**
 * Admin → Organisations → Delete data / Delete: a confirmation page
 * listing what goes, then the deletion once the organisation's name is
 * typed back (a wrong name: the same page, 422, nothing deleted). Both
 * behind a recent re-authentication.
 */
export default class OrganizationDataController {
  confirm(ctx: HttpContext) {
    return this.#confirmation(ctx, entireFrom(ctx))
  }

  async destroy(ctx: HttpContext) {
    const entire = entireFrom(ctx)
    const input = {
      actor: ctx.auth.use('web').user!,
      organizationPublicId: String(ctx.params.organization),
      typedName: String(ctx.request.input('name') ?? ''),
      meta: requestMeta(ctx),
    }
    redrawOnRefusal(ctx, {
      view: 'pages/admin/delete_organization_data',
      state: () => this.#plan(ctx, entire),
    })
    const outcome = entire
      ? await new DeleteOrganizationConfirmed().execute(input)
      : { ...(await new DeleteOrganizationDataConfirmed().execute(input)), deleted: false }
    return ctx.view.render('pages/admin/organization_data_deleted', { ...outcome, entire })
  }

  async #confirmation(ctx: HttpContext, entire: boolean) {
    return ctx.view.render('pages/admin/delete_organization_data', await this.#plan(ctx, entire))
  }

  async #plan(ctx: HttpContext, entire: boolean) {
    const organization = await Organization.findByPublicIdOrFail(ctx.params.organization)
    const plan = await new DeleteOrganization().plan(organization)
    return { organization, plan, entire }
  }
}

/** the route says which: .../delete-data keeps the organisation, .../delete does not */
function entireFrom(ctx: HttpContext) {
  return !ctx.route?.name?.startsWith('admin.organizations.delete_data')
}

import type { HttpContext } from '@adonisjs/core/http'
import { Exception } from '@adonisjs/core/exceptions'
import Organization from '#models/organization'
import DeleteOrganizationData from '#actions/organizations/delete_organization_data'
import DeleteOrganizationDataConfirmed from '#actions/admin/delete_organization_data_confirmed'
import { requestMeta } from '#services/auth_session'

/**
 * Admin → Organisations → Delete data: a confirmation page listing what
 * goes, then the deletion once the organisation's name is typed back.
 * Both behind a recent re-authentication.
 */
export default class OrganizationDataController {
  async confirm(ctx: HttpContext) {
    const organization = await Organization.findByPublicIdOrFail(ctx.params.organization)
    const plan = await new DeleteOrganizationData().plan(organization)
    return ctx.view.render('pages/admin/delete_organization_data', {
      organization,
      plan,
      entire: false,
    })
  }

  async destroy(ctx: HttpContext) {
    try {
      const outcome = await new DeleteOrganizationDataConfirmed().execute({
        actor: ctx.auth.use('web').user!,
        organizationPublicId: ctx.params.organization,
        typedName: String(ctx.request.input('name') ?? ''),
        meta: requestMeta(ctx),
      })
      return ctx.view.render('pages/admin/organization_data_deleted', {
        ...outcome,
        entire: false,
      })
    } catch (error) {
      if (!(error instanceof Exception) || error.code !== 'E_CONFIRMATION_MISMATCH') throw error
      const organization = await Organization.findByPublicIdOrFail(ctx.params.organization)
      const plan = await new DeleteOrganizationData().plan(organization)
      ctx.response.status(422)
      return ctx.view.render('pages/admin/delete_organization_data', {
        organization,
        plan,
        entire: false,
        formError: error.message,
      })
    }
  }
}

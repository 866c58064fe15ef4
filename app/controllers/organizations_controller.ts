import type { HttpContext } from '@adonisjs/core/http'
import GetOrganization from '#actions/organizations/get_organization'
import { setCurrentOrganizationId } from '#services/auth_session'
import { switchOrganizationValidator } from '#validators/auth'

export default class OrganizationsController {
  /**
   * The organisations the signed-in user belongs to.
   */
  async index({ view }: HttpContext) {
    return view.render('pages/organizations/index')
  }

  /**
   * One of the user's organisations; any other public id is a 404.
   */
  async show(ctx: HttpContext) {
    const { organization, membership } = await new GetOrganization().execute(
      ctx.auth.use('web').user!,
      ctx.params.organization
    )
    return ctx.view.render('pages/organizations/show', { organization, membership })
  }

  async switch(ctx: HttpContext) {
    const { organization: publicId } = await ctx.request.validateUsing(switchOrganizationValidator)
    const { organization } = await new GetOrganization().execute(
      ctx.auth.use('web').user!,
      publicId
    )
    setCurrentOrganizationId(ctx, organization.id)
    ctx.session.flash('success', `Switched to ${organization.name}.`)
    return ctx.response.redirect('/')
  }
}

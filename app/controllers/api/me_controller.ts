import type { HttpContext } from '@adonisjs/core/http'
import ListUserOrganizations from '#actions/organizations/list_user_organizations'

export default class MeController {
  /**
   * Who the token belongs to, and their organisations.
   */
  async show(ctx: HttpContext) {
    const user = ctx.auth.use('api').user!
    const memberships = await new ListUserOrganizations().execute(user)
    return {
      data: {
        publicId: user.publicId,
        email: user.email,
        fullName: user.fullName,
        token: {
          name: user.currentAccessToken?.name ?? null,
          abilities: user.currentAccessToken?.abilities ?? [],
        },
        organizations: memberships.map((membership) => ({
          publicId: membership.organization.publicId,
          name: membership.organization.name,
          role: membership.role,
        })),
      },
    }
  }
}

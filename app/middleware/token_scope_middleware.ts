import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { Exception } from '@adonisjs/core/exceptions'
import ResolveTokenOrganization from '#actions/organizations/resolve_token_organization'
import { roleAllows, type Permission } from '#services/authorization'
import { closeIfLargeBodyUnread } from '#services/request_bodies'
import { apiRateLimitGroup, countRequest } from '#services/api_rate_limits'
import { TOKEN_ABILITIES, tokenMay, type TokenAbility } from '#services/token_abilities'

export type TokenScopeOptions = {
  /** what the token must be allowed to do (its abilities ∩ its holder's role) */
  ability: TokenAbility
  /** a permission the role must also hold for this route */
  permission?: Permission
  /** see ResolveTokenOrganization (default 'refuse') */
  whenSeveral?: 'first' | 'refuse'
}

export class TokenScopeRefusedException extends Exception {
  static status = 403
  static code = 'E_TOKEN_NOT_ALLOWED'
}

/**
 * After apiAuth on token routes: resolves the organisation the request
 * acts on (ctx.organization, ctx.membership) and checks that the token
 * may do what the route does, with its holder's role as it is now. It
 * runs before any upload is read.
 */
export default class TokenScopeMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: TokenScopeOptions) {
    const user = ctx.auth.use('api').user!
    try {
      const { membership, organization } = await new ResolveTokenOrganization().execute({
        user,
        named: namedOrganizations(ctx),
        whenSeveral: options.whenSeveral ?? 'refuse',
      })
      const abilities = user.currentAccessToken?.abilities ?? []
      if (!tokenMay(abilities, membership.role, options.ability)) {
        throw new TokenScopeRefusedException(
          `This token cannot ${TOKEN_ABILITIES[options.ability].label.toLowerCase()} here: it lacks the “${options.ability}” ability, or your role no longer grants it`
        )
      }
      if (options.permission && !roleAllows(membership.role, options.permission)) {
        throw new TokenScopeRefusedException('Your role does not allow this')
      }
      await countRequest(ctx, ctx.response, {
        policy: 'organization',
        key: `api:organization:${organization.id}`,
        quota: apiRateLimitGroup(ctx.route?.name).perOrganization,
        subject: 'this organisation',
      })
      ctx.organization = organization
      ctx.membership = membership
    } catch (error) {
      closeIfLargeBodyUnread(ctx)
      throw error
    }
    return next()
  }
}

function namedOrganizations(ctx: HttpContext) {
  return [ctx.request.header('x-sextant-organization'), ctx.request.qs().organization]
    .flat()
    .map((value) => (typeof value === 'string' ? value.trim() : ''))
    .filter((value) => value !== '')
}

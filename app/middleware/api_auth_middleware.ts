import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type User from '#models/user'
import UserHasSecondFactor from '#actions/auth/user_has_second_factor'
import { apiTokenFrom } from '#services/api_token_header'
import { secondFactorReadWithUser } from '#services/auth/session_user_provider'
import { closeIfLargeBodyUnread } from '#services/request_bodies'
import { apiRateLimitGroup, countRequest } from '#services/api_rate_limits'

/** read with the token's user in one statement when it can be (session_user_provider) */
async function hasSecondFactor(user: User) {
  return secondFactorReadWithUser(user) ?? (await new UserHasSecondFactor().execute(user))
}

/** requests whose token was already accepted (see token_before_body_middleware) */
const authenticated = new WeakSet<HttpContext>()

/**
 * Token authentication for /api/v1 and plugins' token routes: the token
 * in Authorization or X-Api-Key, with or without "Bearer" (see
 * apiTokenFrom). A token of a locked user, or of a user who no longer
 * satisfies the MFA policy, is refused. It runs before the bodyparser
 * too (token_before_body_middleware), so the second run only continues.
 */
export default class ApiAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (authenticated.has(ctx)) return next()
    const headers = ctx.request.request.headers
    const token = apiTokenFrom({
      authorization: headers.authorization,
      apiKey: headers['x-api-key'],
    })
    // The guard reads "Authorization: Bearer <token>" only.
    if (token) headers.authorization = `Bearer ${token}`
    else delete headers.authorization
    const guard = ctx.auth.use('api')
    const user = token ? await guard.check().then((ok) => (ok ? guard.user : null)) : null
    if (!user || user.isLocked || !(await hasSecondFactor(user))) {
      // a token route's body is still unread at this point
      closeIfLargeBodyUnread(ctx)
      return ctx.response.unauthorized({ errors: [{ message: 'A valid API token is required' }] })
    }
    authenticated.add(ctx)
    const limits = apiRateLimitGroup(ctx.route?.name)
    try {
      await countRequest(ctx, ctx.response, {
        policy: `${limits.name}-token`,
        key: `api:${limits.name}:token:${user.currentAccessToken!.identifier}`,
        quota: limits.perToken,
        subject: 'this token',
      })
    } catch (error) {
      closeIfLargeBodyUnread(ctx)
      throw error
    }
    return next()
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import UserHasSecondFactor from '#actions/auth/user_has_second_factor'

/**
 * Token authentication for /api/v1: "Authorization: Bearer <token>" or
 * "X-Api-Key: <token>". A token of a locked user, or of a user who no
 * longer satisfies the MFA policy, is refused.
 */
export default class ApiAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const apiKey = ctx.request.header('x-api-key')
    if (apiKey && !ctx.request.header('authorization')) {
      ctx.request.request.headers.authorization = `Bearer ${apiKey}`
    }
    const guard = ctx.auth.use('api')
    const user = await guard.check().then((ok) => (ok ? guard.user : null))
    if (!user || user.isLocked || !(await new UserHasSecondFactor().execute(user))) {
      return ctx.response.unauthorized({ errors: [{ message: 'A valid API token is required' }] })
    }
    return next()
  }
}

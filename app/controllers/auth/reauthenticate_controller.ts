import type { HttpContext } from '@adonisjs/core/http'
import Reauthenticate, { ReauthenticationFailed } from '#actions/auth/reauthenticate'
import { markReauthenticated, requestMeta } from '#services/auth_session'
import { sameOriginPath } from '#middleware/recent_auth_middleware'
import {
  assertNotThrottled,
  clearAttempts,
  recordFailedAttempt,
  TooManyAttempts,
} from '#services/throttle'
import { reauthenticateValidator } from '#validators/auth'
import { mfaLimiter } from '#start/limiter'

export default class ReauthenticateController {
  async show({ view }: HttpContext) {
    return view.render('pages/auth/reauthenticate')
  }

  async store(ctx: HttpContext) {
    const { request, response, session, view } = ctx
    const user = ctx.auth.use('web').user!
    const input = await request.validateUsing(reauthenticateValidator)
    const checks = [{ limiter: mfaLimiter(), key: `reauth:${user.id}` }]
    try {
      await assertNotThrottled(checks)
      await new Reauthenticate().execute({ user, ...input, meta: requestMeta(ctx) })
      await clearAttempts(checks)
      markReauthenticated(ctx)
      session.regenerate()
      const returnTo = sameOriginPath(session.pull('reauth.returnTo', '/settings/security'))
      return response.redirect(returnTo)
    } catch (error) {
      if (error instanceof TooManyAttempts) {
        response.header('Retry-After', String(error.retryAfterSeconds))
        response.status(429)
        return view.render('pages/auth/reauthenticate', { formError: error.message })
      }
      if (!(error instanceof ReauthenticationFailed)) throw error
      await recordFailedAttempt(checks)
      response.status(422)
      return view.render('pages/auth/reauthenticate', { formError: error.message })
    }
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import Reauthenticate from '#actions/auth/reauthenticate'
import { markReauthenticated, requestMeta } from '#services/auth_session'
import { sameOriginPath } from '#middleware/recent_auth_middleware'
import { throttledAttempt } from '#services/throttle'
import { redrawOnRefusal } from '#exceptions/form_refusal'
import { reauthenticateValidator } from '#validators/auth'
import { mfaLimiter } from '#start/limiter'

export default class ReauthenticateController {
  async show({ view }: HttpContext) {
    return view.render('pages/auth/reauthenticate')
  }

  async store(ctx: HttpContext) {
    const { request, response, session } = ctx
    const user = ctx.auth.use('web').user!
    const input = await request.validateUsing(reauthenticateValidator)
    redrawOnRefusal(ctx, { view: 'pages/auth/reauthenticate' })
    const checks = [{ limiter: mfaLimiter(), key: `reauth:${user.id}` }]
    await throttledAttempt(checks, () =>
      new Reauthenticate().execute({ user, ...input, meta: requestMeta(ctx) })
    )
    markReauthenticated(ctx)
    session.regenerate()
    const returnTo = sameOriginPath(session.pull('reauth.returnTo', '/settings/security'))
    return response.redirect(returnTo)
  }
}

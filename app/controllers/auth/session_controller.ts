import type { HttpContext } from '@adonisjs/core/http'
import { safeTiming } from '@adonisjs/core/helpers'
import sextantConfig from '#config/sextant'
import AttemptPasswordSignIn from '#actions/auth/attempt_password_sign_in'
import { recordAudit } from '#services/audit'
import { completeSignIn, endSession, requestMeta, startPendingSignIn } from '#services/auth_session'
import { sameOriginPath } from '#middleware/recent_auth_middleware'
import { throttledAttempt } from '#services/throttle'
import { redrawOnRefusal } from '#exceptions/form_refusal'
import { signInValidator } from '#validators/auth'
import { signInChecks } from '#start/limiter'
import { deviceIdFor } from '#services/device_cookies'

export default class SessionController {
  async create({ view }: HttpContext) {
    return view.render('pages/auth/sign_in', {
      signupOpen: sextantConfig.auth.signupMode === 'open',
    })
  }

  /**
   * Password step. Failures are throttled per account+IP and per IP, and
   * per device for a browser holding the account's device cookie, else
   * account-wide; a wrong email and a wrong password answer identically.
   */
  async store(ctx: HttpContext) {
    const { request, response, session } = ctx
    const { email, password } = await request.validateUsing(signInValidator)
    redrawOnRefusal(ctx, { view: 'pages/auth/sign_in', state: { email } })
    const meta = requestMeta(ctx)
    const deviceId = deviceIdFor(ctx, email)
    const checks = signInChecks({ email, ip: meta.ip, deviceId })
    const result = await throttledAttempt(
      checks,
      () => safeTiming(400, () => new AttemptPasswordSignIn().execute({ email, password, meta })),
      {
        // the account-wide counter of untrusted browsers is left as it is:
        // the owner signing in must not reset an attacker's progress
        clear: deviceId ? [checks[0], checks[2]] : [checks[0]],
        onThrottled: () =>
          recordAudit({ event: 'sign_in.throttled', subject: email.toLowerCase(), meta }),
      }
    )
    const returnTo = session.get('signin.returnTo') ?? null
    if (result.next === 'signed_in') {
      startPendingSignIn(ctx, result.user, 'mfa', returnTo)
      await completeSignIn(ctx, result.user)
      await recordAudit({
        event: 'sign_in.succeeded',
        actorId: result.user.id,
        subject: result.user.email,
        meta,
        details: { method: 'password' },
      })
      return response.redirect(returnTo ? sameOriginPath(returnTo) : '/')
    }
    startPendingSignIn(ctx, result.user, result.next, returnTo)
    return response.redirect(result.next === 'mfa' ? '/sign-in/mfa' : '/mfa/setup')
  }

  async destroy(ctx: HttpContext) {
    const user = ctx.auth.use('web').user
    if (user)
      await recordAudit({
        event: 'sign_out',
        actorId: user.id,
        subject: user.email,
        meta: requestMeta(ctx),
      })
    await endSession(ctx)
    ctx.session.flash('success', 'You are signed out.')
    return ctx.response.redirect('/sign-in')
  }
}

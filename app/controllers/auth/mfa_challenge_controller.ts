import { DateTime } from 'luxon'
import type { HttpContext } from '@adonisjs/core/http'
import User from '#models/user'
import ListPasskeys from '#actions/passkeys/list_passkeys'
import VerifySecondFactor, { SecondFactorRejected } from '#actions/auth/verify_second_factor'
import { recordAudit } from '#services/audit'
import { completeSignIn, readPendingSignIn, requestMeta } from '#services/auth_session'
import { sameOriginPath } from '#middleware/recent_auth_middleware'
import {
  assertNotThrottled,
  clearAttempts,
  recordFailedAttempt,
  TooManyAttempts,
} from '#services/throttle'
import { secondFactorValidator } from '#validators/auth'
import { mfaLimiter } from '#start/limiter'

/**
 * Second step of signing in: a TOTP code or a recovery code.
 */
export default class MfaChallengeController {
  async show(ctx: HttpContext) {
    const pending = readPendingSignIn(ctx)
    if (!pending || pending.stage !== 'mfa') return expired(ctx)
    const user = await User.findOrFail(pending.userId)
    const passkeys = await new ListPasskeys().execute(user)
    return ctx.view.render('pages/auth/mfa_challenge', { hasPasskey: passkeys.length > 0 })
  }

  async verify(ctx: HttpContext) {
    const { request, response, session, view } = ctx
    const pending = readPendingSignIn(ctx)
    if (!pending || pending.stage !== 'mfa') return expired(ctx)
    const { code } = await request.validateUsing(secondFactorValidator)
    const user = await User.findOrFail(pending.userId)
    const meta = requestMeta(ctx)
    const checks = [{ limiter: mfaLimiter(), key: `mfa:${user.id}` }]
    try {
      await assertNotThrottled(checks)
      const result = await new VerifySecondFactor().execute({ user, code, meta })
      await clearAttempts(checks)
      await user.merge({ lastSignInAt: DateTime.now() }).save()
      const { returnTo } = await completeSignIn(ctx, user)
      await recordAudit({
        event: 'sign_in.succeeded',
        actorId: user.id,
        subject: user.email,
        meta,
        details: { method: result.method },
      })
      if (result.method === 'recovery_code') {
        session.flash(
          'info',
          `You used a recovery code; ${result.remainingRecoveryCodes} left. Generate new ones in Security settings if you are running low.`
        )
      }
      return response.redirect(returnTo ? sameOriginPath(returnTo) : '/')
    } catch (error) {
      if (error instanceof TooManyAttempts) {
        response.header('Retry-After', String(error.retryAfterSeconds))
        response.status(429)
        return view.render('pages/auth/mfa_challenge', { formError: error.message })
      }
      if (!(error instanceof SecondFactorRejected)) throw error
      await recordFailedAttempt(checks)
      response.status(422)
      return view.render('pages/auth/mfa_challenge', { formError: error.message })
    }
  }
}

function expired({ session, response }: HttpContext) {
  session.flash('info', 'Sign in again to continue.')
  return response.redirect('/sign-in')
}

import { DateTime } from 'luxon'
import type { HttpContext } from '@adonisjs/core/http'
import User from '#models/user'
import ListPasskeys from '#actions/passkeys/list_passkeys'
import VerifySecondFactor from '#actions/auth/verify_second_factor'
import { recordAudit } from '#services/audit'
import { completeSignIn, readPendingSignIn, requestMeta } from '#services/auth_session'
import { sameOriginPath } from '#middleware/recent_auth_middleware'
import { throttledAttempt } from '#services/throttle'
import { redrawOnRefusal } from '#exceptions/form_refusal'
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
    return ctx.view.render('pages/auth/mfa_challenge', await passkeyState(user))
  }

  async verify(ctx: HttpContext) {
    const { request, response, session } = ctx
    const pending = readPendingSignIn(ctx)
    if (!pending || pending.stage !== 'mfa') return expired(ctx)
    const { code } = await request.validateUsing(secondFactorValidator)
    const user = await User.findOrFail(pending.userId)
    const meta = requestMeta(ctx)
    redrawOnRefusal(ctx, {
      view: 'pages/auth/mfa_challenge',
      state: async () => ({
        ...(await passkeyState(user)),
        usedRecoveryCode: request.input('via') === 'recovery-code',
      }),
    })
    const checks = [{ limiter: mfaLimiter(), key: `mfa:${user.id}` }]
    const result = await throttledAttempt(checks, () =>
      new VerifySecondFactor().execute({ user, code, meta })
    )
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
  }
}

/** whether the challenge page offers "use a passkey" */
async function passkeyState(user: User) {
  const passkeys = await new ListPasskeys().execute(user)
  return { hasPasskey: passkeys.length > 0 }
}

function expired({ session, response }: HttpContext) {
  session.flash('info', 'Sign in again to continue.')
  return response.redirect('/sign-in')
}

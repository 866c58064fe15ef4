import type { HttpContext } from '@adonisjs/core/http'
import User from '#models/user'
import StartTotpEnrolment from '#actions/auth/start_totp_enrolment'
import ConfirmTotpEnrolment from '#actions/auth/confirm_totp_enrolment'
import { redrawOnRefusal } from '#exceptions/form_refusal'
import {
  completeSignIn,
  isRecentlyAuthenticated,
  readPendingSignIn,
  requestMeta,
} from '#services/auth_session'
import { recordAudit } from '#services/audit'
import { secondFactorValidator } from '#validators/auth'
import { destroyUserSessions } from '#services/user_sessions'

const FACTOR_KEY = 'mfa.enrolFactor'
export const FRESH_CODES_KEY = 'mfa.freshRecoveryCodes'

/**
 * Authenticator-app enrolment: for a user finishing sign-in without a
 * factor yet (mandatory MFA), or a signed-in user replacing theirs
 * (re-authentication required).
 */
export default class MfaSetupController {
  async show(ctx: HttpContext) {
    const { user, redirectTo } = await enrollingUser(ctx)
    if (!user) return ctx.response.redirect(redirectTo)
    // The key already shown stays until enrolment succeeds, unless the
    // user asks for a new one (?new=1).
    return ctx.view.render(
      'pages/auth/mfa_setup',
      await enrolmentPage(ctx, user, ctx.request.input('new') === '1')
    )
  }

  async confirm(ctx: HttpContext) {
    const { request, response, session } = ctx
    const { user, redirectTo } = await enrollingUser(ctx)
    if (!user) return response.redirect(redirectTo)
    const { code } = await request.validateUsing(secondFactorValidator)
    // a wrong code keeps the key the user just scanned
    redrawOnRefusal(ctx, { view: 'pages/auth/mfa_setup', state: () => enrolmentPage(ctx, user) })
    const meta = requestMeta(ctx)
    const { recoveryCodes } = await new ConfirmTotpEnrolment().execute({
      user,
      factorPublicId: session.get(FACTOR_KEY),
      code,
      meta,
    })
    session.forget(FACTOR_KEY)
    if (ctx.auth.use('web').isAuthenticated) {
      // A new second factor ends every other session of the user.
      await destroyUserSessions(user.id, { allExcept: session.sessionId })
      session.regenerate()
    } else {
      await completeSignIn(ctx, user)
      await recordAudit({
        event: 'sign_in.succeeded',
        actorId: user.id,
        subject: user.email,
        meta,
        details: { method: 'enrolment' },
      })
    }
    session.put(FRESH_CODES_KEY, { codes: recoveryCodes, at: Date.now() })
    return response.redirect('/mfa/recovery-codes')
  }
}

/**
 * The enrolment page: the pending key of this session (kept until
 * enrolment succeeds), or a new one when there is none or one is asked for.
 */
async function enrolmentPage(ctx: HttpContext, user: User, wantsNewKey = false) {
  const enrolments = new StartTotpEnrolment()
  const enrolment =
    (!wantsNewKey && (await enrolments.resume(user, ctx.session.get(FACTOR_KEY)))) ||
    (await enrolments.execute(user))
  ctx.session.put(FACTOR_KEY, enrolment.factor.publicId)
  return {
    secret: enrolment.secret,
    secretGroups: enrolment.secret.match(/.{1,4}/g)!.join(' '),
    qrSvg: enrolment.qrSvg,
    uri: enrolment.uri,
    signingIn: !ctx.auth.use('web').isAuthenticated,
  }
}

/**
 * Who may enrol here: a pending sign-in at the "enrol" stage, or a
 * signed-in user who re-authenticated a moment ago.
 */
async function enrollingUser(ctx: HttpContext): Promise<{ user: User | null; redirectTo: string }> {
  const guard = ctx.auth.use('web')
  if (await guard.check()) {
    if (!isRecentlyAuthenticated(ctx)) {
      ctx.session.put('reauth.returnTo', '/mfa/setup')
      return { user: null, redirectTo: '/reauthenticate' }
    }
    return { user: guard.user!, redirectTo: '/' }
  }
  const pending = readPendingSignIn(ctx)
  if (!pending || pending.stage !== 'enrol') return { user: null, redirectTo: '/sign-in' }
  return { user: await User.find(pending.userId), redirectTo: '/sign-in' }
}

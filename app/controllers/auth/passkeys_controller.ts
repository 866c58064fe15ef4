import type { HttpContext } from '@adonisjs/core/http'
import User from '#models/user'
import BeginPasskeyRegistration from '#actions/passkeys/begin_passkey_registration'
import FinishPasskeyRegistration from '#actions/passkeys/finish_passkey_registration'
import BeginPasskeySignIn from '#actions/passkeys/begin_passkey_sign_in'
import VerifyPasskeySignIn from '#actions/passkeys/verify_passkey_sign_in'
import RemovePasskey from '#actions/passkeys/remove_passkey'
import { redrawOnRefusal } from '#exceptions/form_refusal'
import { recordAudit } from '#services/audit'
import { completeSignIn, readPendingSignIn, requestMeta } from '#services/auth_session'
import { sameOriginPath } from '#middleware/recent_auth_middleware'
import { PASSKEY_UNAVAILABLE, relyingPartyFor } from '#services/webauthn'
import { throttledAttempt } from '#services/throttle'
import { mfaLimiter } from '#start/limiter'

const REGISTRATION_CHALLENGE = 'passkey.registrationChallenge'
const SIGN_IN_CHALLENGE = 'passkey.signInChallenge'

/**
 * Passkeys (WebAuthn) as a second factor. The browser side is
 * resources/js/passkeys.js; these endpoints speak JSON.
 */
export default class PasskeysController {
  async registrationOptions(ctx: HttpContext) {
    const relyingParty = relyingPartyFor(ctx.request)
    if (!relyingParty)
      return ctx.response.unprocessableEntity({ errors: [{ message: PASSKEY_UNAVAILABLE }] })
    const options = await new BeginPasskeyRegistration().execute(
      ctx.auth.use('web').user!,
      relyingParty
    )
    ctx.session.put(REGISTRATION_CHALLENGE, options.challenge)
    return options
  }

  async register(ctx: HttpContext) {
    const relyingParty = relyingPartyFor(ctx.request)
    if (!relyingParty)
      return ctx.response.unprocessableEntity({ errors: [{ message: PASSKEY_UNAVAILABLE }] })
    await new FinishPasskeyRegistration().execute({
      user: ctx.auth.use('web').user!,
      response: ctx.request.input('credential'),
      label: ctx.request.input('label'),
      expectedChallenge: ctx.session.pull(REGISTRATION_CHALLENGE, null),
      relyingParty,
      meta: requestMeta(ctx),
    })
    ctx.session.flash(
      'success',
      'Passkey added. You can use it instead of a code when you sign in.'
    )
    return { redirect: '/settings/security' }
  }

  async remove(ctx: HttpContext) {
    redrawOnRefusal(ctx, { redirectTo: '/settings/security' })
    await new RemovePasskey().execute({
      user: ctx.auth.use('web').user!,
      factorPublicId: ctx.params.factor,
      meta: requestMeta(ctx),
    })
    ctx.session.flash('success', 'Passkey removed.')
    return ctx.response.redirect('/settings/security')
  }

  async signInOptions(ctx: HttpContext) {
    const context = await pendingPasskeySignIn(ctx)
    if (!context.user) return context.refusal
    const { user, relyingParty } = context
    const options = await new BeginPasskeySignIn().execute(user, relyingParty)
    if (!options)
      return ctx.response.unprocessableEntity({ errors: [{ message: 'You have no passkey yet.' }] })
    ctx.session.put(SIGN_IN_CHALLENGE, options.challenge)
    return options
  }

  async signIn(ctx: HttpContext) {
    const context = await pendingPasskeySignIn(ctx)
    if (!context.user) return context.refusal
    const { user, relyingParty } = context
    const meta = requestMeta(ctx)
    const checks = [{ limiter: mfaLimiter(), key: `mfa:${user.id}` }]
    await throttledAttempt(checks, () =>
      new VerifyPasskeySignIn().execute({
        user,
        response: ctx.request.input('credential'),
        expectedChallenge: ctx.session.pull(SIGN_IN_CHALLENGE, null),
        relyingParty,
        meta,
      })
    )
    const { returnTo } = await completeSignIn(ctx, user)
    await recordAudit({
      event: 'sign_in.succeeded',
      actorId: user.id,
      subject: user.email,
      meta,
      details: { method: 'passkey' },
    })
    return { redirect: returnTo ? sameOriginPath(returnTo) : '/' }
  }
}

/**
 * The user finishing a sign-in with a passkey, and the relying party of
 * this host; or the JSON refusal to send when either is missing.
 */
async function pendingPasskeySignIn(ctx: HttpContext) {
  const pending = readPendingSignIn(ctx)
  if (!pending || pending.stage !== 'mfa') {
    const refusal = ctx.response.unauthorized({
      errors: [{ message: 'Sign in with your password first.' }],
    })
    return { user: null, refusal } as const
  }
  const relyingParty = relyingPartyFor(ctx.request)
  if (!relyingParty) {
    const refusal = ctx.response.unprocessableEntity({ errors: [{ message: PASSKEY_UNAVAILABLE }] })
    return { user: null, refusal } as const
  }
  return { user: await User.findOrFail(pending.userId), relyingParty } as const
}

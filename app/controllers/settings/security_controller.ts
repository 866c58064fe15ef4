import type { HttpContext } from '@adonisjs/core/http'
import ChangePassword from '#actions/auth/change_password'
import UpdateProfile from '#actions/users/update_profile'
import CountRecoveryCodes from '#actions/auth/count_recovery_codes'
import UserHasSecondFactor from '#actions/auth/user_has_second_factor'
import ListPasskeys from '#actions/passkeys/list_passkeys'
import { requestMeta } from '#services/auth_session'
import { redrawOnRefusal } from '#exceptions/form_refusal'
import { destroyUserSessions } from '#services/user_sessions'
import { changePasswordValidator, profileValidator } from '#validators/auth'

export default class SecurityController {
  async show(ctx: HttpContext) {
    const user = ctx.auth.use('web').user!
    const [hasSecondFactor, recoveryCodesLeft, passkeys] = await Promise.all([
      new UserHasSecondFactor().execute(user),
      new CountRecoveryCodes().execute(user),
      new ListPasskeys().execute(user),
    ])
    return ctx.view.render('pages/settings/security', {
      hasSecondFactor,
      recoveryCodesLeft,
      passkeys,
    })
  }

  /**
   * A password change signs out every other session and rotates this
   * one.
   */
  async changePassword(ctx: HttpContext) {
    const { request, response, session } = ctx
    const user = ctx.auth.use('web').user!
    const input = await request.validateUsing(changePasswordValidator)
    redrawOnRefusal(ctx, { redirectTo: '/settings/security' })
    await new ChangePassword().execute({
      user,
      currentPassword: input.currentPassword,
      newPassword: input.password,
      meta: requestMeta(ctx),
    })
    await destroyUserSessions(user.id, { allExcept: session.sessionId })
    session.regenerate()
    session.flash('success', 'Password changed. Your other sessions were signed out.')
    return response.redirect('/settings/security')
  }

  /** name, email and marketing consent (after a fresh password or code) */
  async updateProfile(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(profileValidator)
    redrawOnRefusal(ctx, { redirectTo: '/settings/security' })
    const { changed } = await new UpdateProfile().execute({
      user: ctx.auth.use('web').user!,
      fullName: input.fullName ?? null,
      email: input.email,
      marketingConsent: input.marketingConsent,
      meta: requestMeta(ctx),
    })
    ctx.session.flash('success', changed.length > 0 ? 'Profile saved.' : 'Nothing to change.')
    return ctx.response.redirect('/settings/security')
  }
}

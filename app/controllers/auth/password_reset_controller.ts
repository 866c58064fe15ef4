import type { HttpContext } from '@adonisjs/core/http'
import { safeTiming } from '@adonisjs/core/helpers'
import RequestPasswordReset from '#actions/auth/request_password_reset'
import ResetPassword from '#actions/auth/reset_password'
import { redrawOnRefusal } from '#exceptions/form_refusal'
import { requestMeta } from '#services/auth_session'
import { forgotPasswordValidator, resetPasswordValidator } from '#validators/auth'

export default class PasswordResetController {
  async forgot({ view }: HttpContext) {
    return view.render('pages/auth/forgot_password')
  }

  /**
   * Same answer, in about the same time, whether or not the email has an
   * account.
   */
  async sendLink(ctx: HttpContext) {
    const { email } = await ctx.request.validateUsing(forgotPasswordValidator)
    await safeTiming(600, () =>
      new RequestPasswordReset().execute({ email, meta: requestMeta(ctx) })
    )
    return ctx.view.render('pages/auth/forgot_password', { sent: true })
  }

  async edit({ params, view, response }: HttpContext) {
    const reset = await new ResetPassword().findValid(params.token)
    if (!reset) {
      response.status(404)
      return view.render('pages/auth/reset_password', { invalid: true })
    }
    return view.render('pages/auth/reset_password', { token: params.token })
  }

  async update(ctx: HttpContext) {
    const { params, request, response, session } = ctx
    const { password } = await request.validateUsing(resetPasswordValidator)
    // an invalid link (404) shows the page's "ask for a new link" state
    redrawOnRefusal(ctx, { view: 'pages/auth/reset_password', state: { token: params.token } })
    await new ResetPassword().execute({ token: params.token, password, meta: requestMeta(ctx) })
    session.flash(
      'success',
      'Your password was changed. Sign in with it (your second factor is still required).'
    )
    return response.redirect('/sign-in')
  }
}

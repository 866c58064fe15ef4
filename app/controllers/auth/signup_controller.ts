import type { HttpContext } from '@adonisjs/core/http'
import { safeTiming } from '@adonisjs/core/helpers'
import sextantConfig from '#config/sextant'
import RequestSignup from '#actions/signup/request_signup'
import CompleteSignup from '#actions/signup/complete_signup'
import { redrawOnRefusal } from '#exceptions/form_refusal'
import { requestMeta, startPendingSignIn } from '#services/auth_session'
import { completeSignupValidator, forgotPasswordValidator } from '#validators/auth'

/**
 * Open sign-up (SIGNUP_MODE=open): confirm an email address, then create
 * an organisation. In the default invite mode every route here is a 404.
 */
export default class SignupController {
  async create(ctx: HttpContext) {
    if (!isOpen()) return notFound(ctx)
    return ctx.view.render('pages/auth/sign_up')
  }

  async store(ctx: HttpContext) {
    if (!isOpen()) return notFound(ctx)
    const { email } = await ctx.request.validateUsing(forgotPasswordValidator)
    await safeTiming(600, () => new RequestSignup().execute({ email, meta: requestMeta(ctx) }))
    return ctx.view.render('pages/auth/sign_up', { sent: true })
  }

  async edit(ctx: HttpContext) {
    if (!isOpen()) return notFound(ctx)
    const request = await new CompleteSignup().findValid(ctx.params.token)
    if (!request) {
      ctx.response.status(404)
      return ctx.view.render('pages/auth/sign_up_complete', { invalid: true })
    }
    return ctx.view.render('pages/auth/sign_up_complete', {
      token: ctx.params.token,
      email: request.email,
    })
  }

  async update(ctx: HttpContext) {
    if (!isOpen()) return notFound(ctx)
    const input = await ctx.request.validateUsing(completeSignupValidator)
    // an unchecked box sends nothing: no consent
    const marketingConsent = ctx.request.input('marketingConsent') === 'on'
    // a spent link (404) shows the page's "ask for a new link" state
    redrawOnRefusal(ctx, {
      view: 'pages/auth/sign_up_complete',
      state: async () => {
        const request = await new CompleteSignup().findValid(ctx.params.token)
        return {
          token: ctx.params.token,
          email: request?.email,
          fullName: input.fullName,
          organizationName: input.organizationName,
          marketingConsent,
        }
      },
    })
    const { user } = await new CompleteSignup().execute({
      token: ctx.params.token,
      ...input,
      marketingConsent,
      meta: requestMeta(ctx),
    })
    startPendingSignIn(ctx, user, 'enrol')
    return ctx.response.redirect('/mfa/setup')
  }
}

function isOpen() {
  return sextantConfig.auth.signupMode === 'open'
}

async function notFound({ response, view }: HttpContext) {
  return response.notFound(await view.render('pages/errors/not_found'))
}

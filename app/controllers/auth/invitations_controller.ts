import type { HttpContext } from '@adonisjs/core/http'
import AcceptInvite from '#actions/members/accept_invite'
import { redrawOnRefusal } from '#exceptions/form_refusal'
import { requestMeta, startPendingSignIn } from '#services/auth_session'
import { acceptInviteValidator } from '#validators/auth'

/**
 * Sign-up is only through an invitation link.
 */
export default class InvitationsController {
  async show({ params, view, response }: HttpContext) {
    const invite = await new AcceptInvite().findPending(params.token)
    if (!invite) {
      response.status(404)
      return view.render('pages/auth/invitation_invalid')
    }
    return view.render('pages/auth/invitation', {
      token: params.token,
      organization: invite.organization,
      invitedEmail: invite.email,
    })
  }

  async accept(ctx: HttpContext) {
    const { params, request, response } = ctx
    const data = await request.validateUsing(acceptInviteValidator)
    const marketingConsent = request.input('marketingConsent') === 'on'
    redrawOnRefusal(ctx, {
      view: 'pages/auth/invitation',
      state: async () => {
        const invite = await new AcceptInvite().findPending(params.token)
        return {
          token: params.token,
          organization: invite?.organization ?? null,
          invitedEmail: invite?.email ?? null,
          email: data.email,
          fullName: data.fullName,
          marketingConsent,
        }
      },
    })
    const { user } = await new AcceptInvite().execute({
      token: params.token,
      ...data,
      marketingConsent,
      meta: requestMeta(ctx),
    })
    startPendingSignIn(ctx, user, 'enrol')
    return response.redirect('/mfa/setup')
  }
}

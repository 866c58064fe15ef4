import type { HttpContext } from '@adonisjs/core/http'
import { redrawOnRefusal } from '#exceptions/form_refusal'
import User from '#models/user'
import EraseUser from '#actions/admin/erase_user'
import sextantConfig from '#config/sextant'
import { requestMeta } from '#services/auth_session'

/**
 * Admin → Users → Erase: what goes and what stays, then the erasure once
 * the account's email is typed back (a wrong one: the same page, 422).
 * Behind a recent re-authentication.
 */
export default class UserErasureController {
  async confirm(ctx: HttpContext) {
    const user = await User.findByPublicIdOrFail(ctx.params.user)
    return ctx.view.render('pages/admin/erase_user', { person: user })
  }

  async destroy(ctx: HttpContext) {
    const user = await User.findByPublicIdOrFail(ctx.params.user)
    const typed = String(ctx.request.input('email') ?? '')
      .trim()
      .toLowerCase()
    if (typed !== user.email.toLowerCase()) {
      ctx.response.status(422)
      return ctx.view.render('pages/admin/erase_user', {
        person: user,
        formError: `Type the account's email, "${user.email}", exactly to confirm; nothing was erased.`,
      })
    }
    redrawOnRefusal(ctx, { view: 'pages/admin/erase_user', state: { person: user } })
    const { before } = await new EraseUser().execute({
      identifier: user.publicId,
      actor: ctx.auth.use('web').user!,
      meta: requestMeta(ctx),
    })
    ctx.session.flash(
      'success',
      `${before.email} is erased; what they contributed stays, anonymous.`
    )
    return ctx.response.redirect(`${sextantConfig.auth.adminPath}/users`)
  }
}

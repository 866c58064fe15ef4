import { plural } from '#services/plural'
import type { HttpContext } from '@adonisjs/core/http'
import { recordAudit } from '#services/audit'
import { requestMeta } from '#services/auth_session'
import { destroyUserSessions, listUserSessions } from '#services/user_sessions'

export default class SessionsController {
  async index(ctx: HttpContext) {
    const user = ctx.auth.use('web').user!
    const sessions = await listUserSessions(user.id, ctx.session.sessionId)
    return ctx.view.render('pages/settings/sessions', { sessions })
  }

  async revoke(ctx: HttpContext) {
    const user = ctx.auth.use('web').user!
    const destroyed = await destroyUserSessions(user.id, { handle: String(ctx.params.session) })
    if (!destroyed) return ctx.response.notFound(await ctx.view.render('pages/errors/not_found'))
    await recordAudit({
      event: 'session.revoked',
      actorId: user.id,
      subject: user.email,
      meta: requestMeta(ctx),
    })
    ctx.session.flash('success', 'That session was signed out.')
    return ctx.response.redirect('/settings/sessions')
  }

  async revokeOthers(ctx: HttpContext) {
    const user = ctx.auth.use('web').user!
    const destroyed = await destroyUserSessions(user.id, { allExcept: ctx.session.sessionId })
    await recordAudit({
      event: 'session.revoked',
      actorId: user.id,
      subject: user.email,
      meta: requestMeta(ctx),
      details: { count: destroyed },
    })
    ctx.session.flash(
      'success',
      destroyed ? `Signed out ${plural(destroyed, 'other session')}.` : 'No other session was open.'
    )
    return ctx.response.redirect('/settings/sessions')
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { isRecentlyAuthenticated } from '#services/auth_session'

/**
 * Sensitive actions (password and MFA changes, recovery codes, API
 * tokens, integrations, data deletion) need a password or TOTP check from
 * the last few minutes; otherwise the user confirms first and comes back.
 */
export default class RecentAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (isRecentlyAuthenticated(ctx)) return next()
    const back =
      ctx.request.method() === 'GET'
        ? ctx.request.url(true)
        : (ctx.request.header('referer') ?? '/')
    ctx.session.put('reauth.returnTo', sameOriginPath(back))
    if (ctx.request.accepts(['html', 'json']) === 'json') {
      return ctx.response.forbidden({
        errors: [{ message: 'Confirm it is you first: enter your password or a code again.' }],
        redirect: '/reauthenticate',
      })
    }
    ctx.session.flash('info', 'Confirm it is you to continue.')
    if (ctx.request.header('hx-request') === 'true') {
      ctx.response.header('HX-Redirect', '/reauthenticate')
      return ctx.response.noContent()
    }
    return ctx.response.redirect('/reauthenticate')
  }
}

/**
 * Only a path on this site may be a return target (no open redirect).
 */
export function sameOriginPath(value: string): string {
  try {
    const url = new URL(value, 'http://sextant.invalid')
    if (url.origin !== 'http://sextant.invalid' && !/^https?:\/\//.test(value)) return '/'
    const path = `${url.pathname}${url.search}`
    return path.startsWith('//') ? '/' : path
  } catch {
    return '/'
  }
}

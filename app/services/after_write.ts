import type { HttpContext } from '@adonisjs/core/http'

export type FlashNote = { kind: 'success' | 'error' | 'info'; message: string }

/**
 * The answer to a form that changed something: htmx follows HX-Location
 * (the target page is fetched again and shows the flash), a plain form
 * without JavaScript is redirected.
 */
export function redirectAfterWrite(ctx: HttpContext, location: string, flash?: FlashNote) {
  if (flash) ctx.session.flash(flash.kind, flash.message)
  if (ctx.htmx.isHtmx) {
    ctx.response.header('HX-Location', location)
    return ctx.response.noContent()
  }
  return ctx.response.redirect(location)
}

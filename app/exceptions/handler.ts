import app from '@adonisjs/core/services/app'
import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'

export default class HttpExceptionHandler extends ExceptionHandler {
  /**
   * Stack traces only in development; production and test show the
   * styled status pages.
   */
  protected debug = app.inDev

  /**
   * Users always get a styled page for these statuses, in development
   * too (the stack trace is still in the log).
   */
  protected renderStatusPages = true

  protected statusPages: Record<StatusPageRange, StatusPageRenderer> = {
    '403': (error, { view }) => view.render('pages/errors/forbidden', { error }),
    '404': (error, { view }) => view.render('pages/errors/not_found', { error }),
    '500..599': (error, { view }) => view.render('pages/errors/server_error', { error }),
  }

  async handle(error: unknown, ctx: HttpContext) {
    /**
     * Shield's default for a bad CSRF token is a redirect back; a forged
     * or expired form post is refused outright instead.
     */
    if ((error as { code?: string })?.code === 'E_BAD_CSRF_TOKEN') {
      ctx.response.status(403)
      if (ctx.request.accepts(['html', 'json']) === 'json') {
        return ctx.response.send({ errors: [{ message: 'Invalid or expired CSRF token' }] })
      }
      return ctx.response.send(await ctx.view.render('pages/errors/forbidden', { error }))
    }
    return super.handle(error, ctx)
  }

  async report(error: unknown, ctx: HttpContext) {
    return super.report(error, ctx)
  }
}

import app from '@adonisjs/core/services/app'
import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import { RequestBodyTooLargeException } from '#services/request_bodies'

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
     * Shield and Bouncer answer an HTML request with a redirect back and a
     * flash message; a forged form post or a forbidden action is refused
     * outright instead, with a 403 page (or JSON).
     */
    const code = (error as { code?: string })?.code
    if (code === 'E_BAD_CSRF_TOKEN' || code === 'E_AUTHORIZATION_FAILURE') {
      ctx.response.status(403)
      if (ctx.request.accepts(['html', 'json']) === 'json') {
        const message =
          code === 'E_BAD_CSRF_TOKEN' ? 'Invalid or expired CSRF token' : 'Not allowed'
        return ctx.response.send({ errors: [{ message }] })
      }
      return ctx.response.send(await ctx.view.render('pages/errors/forbidden', { error }))
    }
    if (code === 'E_REQUEST_ENTITY_TOO_LARGE') return this.#tooLarge(ctx, error)
    const status = (error as { status?: number })?.status
    if (status && status < 500 && isTokenRoute(ctx)) {
      return ctx.response.status(status).send({ errors: [{ message: (error as Error).message }] })
    }
    return super.handle(error, ctx)
  }

  /**
   * A body over the parser's limit is refused before any route runs; say
   * what the limits are instead of a bare status.
   */
  async #tooLarge(ctx: HttpContext, error: unknown) {
    const message =
      error instanceof RequestBodyTooLargeException
        ? error.message
        : 'The request body is larger than this server accepts.'
    ctx.response.status(413)
    // API clients (the Noa app, scripts) rarely say what they accept: only
    // a client asking for HTML gets the page.
    const wantsHtml = (ctx.request.header('accept') ?? '').includes('html')
    if (ctx.request.accepts(['html', 'json']) === 'json' || !wantsHtml) {
      return ctx.response.send({ errors: [{ message }] })
    }
    return ctx.response.send(await ctx.view.render('pages/errors/too_large', { message }))
  }

  async report(error: unknown, ctx: HttpContext) {
    return super.report(error, ctx)
  }
}

/** routes behind an API token answer JSON, whatever the client says it accepts */
function isTokenRoute(ctx: HttpContext) {
  const named = [...(ctx.route?.middleware.all() ?? [])] as { name?: string }[]
  return named.some((one) => one.name === 'apiAuth')
}

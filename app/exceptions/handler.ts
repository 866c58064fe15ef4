import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import env from '#start/env'
import { clientKindOf, describeRefusal, type Refusal } from '#exceptions/refusals'

/**
 * The one place a refusal becomes an answer (see docs/errors.md). Every
 * error is read as a status, a code and a message; the answer depends on
 * who asked:
 * - API and webhook clients get JSON, `{ error: { code, message } }`
 *   (and `errors`: the per-field messages of a validation failure);
 * - an htmx request for a fragment gets the message as a fragment;
 * - a browser gets the styled page of the status.
 * A form's validation errors still go back to the form, flashed.
 */
export default class HttpExceptionHandler extends ExceptionHandler {
  /**
   * The framework's debug page (stack frames, absolute paths) only when
   * an operator asks for it with APP_DEBUG=true, whatever NODE_ENV says;
   * the log has the stack either way.
   */
  protected debug = env.get('APP_DEBUG', false)

  protected renderStatusPages = true

  protected statusPages: Record<StatusPageRange, StatusPageRenderer> = {
    '400..402': (error, { view }) => clientErrorPage(error, view),
    '403': (error, { view }) => view.render('pages/errors/forbidden', { error }),
    '404': (error, { view }) => view.render('pages/errors/not_found', { error }),
    '405..499': (error, { view }) => clientErrorPage(error, view),
    '500..599': (error, { view }) => view.render('pages/errors/server_error', { error }),
  }

  async handle(error: unknown, ctx: HttpContext) {
    const refusal = describeRefusal(error)
    const kind = clientKindOf(ctx)
    if (kind === 'api' || (refusal.status === 413 && !acceptsHtml(ctx))) {
      return this.#json(ctx, refusal)
    }
    // a form goes back to itself with its errors; a list's bad filter
    // (a GET) is answered in place, with the message to act on
    const isForm = ctx.request.method() !== 'GET' && hasSession(ctx)
    if (refusal.code === 'E_VALIDATION_ERROR' && kind === 'page' && isForm) {
      return super.handle(error, ctx)
    }
    if (kind === 'htmx') return this.#fragment(ctx, refusal)
    if (this.debug && refusal.status >= 500) return super.handle(error, ctx)
    return ctx.response.status(refusal.status).send(await this.#page(ctx, refusal, error))
  }

  /**
   * Shield and Bouncer would answer a forged form or a forbidden action
   * with a redirect back; both are refused outright with the 403 page.
   */
  #page(ctx: HttpContext, refusal: Refusal, error: unknown) {
    const { view } = ctx
    if (refusal.status === 413) {
      return view.render('pages/errors/too_large', { message: refusal.message })
    }
    if (refusal.status === 403) {
      // an action's own refusal says why; the framework's (Bouncer, Shield) keep the generic page
      const framework = ['E_AUTHORIZATION_FAILURE', 'E_BAD_CSRF_TOKEN', 'E_FORBIDDEN'].includes(
        refusal.code
      )
      return view.render('pages/errors/forbidden', {
        error,
        message: framework ? null : refusal.message,
      })
    }
    if (refusal.status === 404) return view.render('pages/errors/not_found', { error })
    if (refusal.status >= 500) return view.render('pages/errors/server_error', { error })
    const badFilter = refusal.status === 422 && ctx.request.method() === 'GET'
    const backTo = badFilter && ctx.route ? ctx.request.url() : null
    return view.render('pages/errors/client_error', { refusal, backTo })
  }

  #json(ctx: HttpContext, refusal: Refusal) {
    if (refusal.retryAfter !== undefined) {
      ctx.response.header('Retry-After', String(refusal.retryAfter))
    }
    return ctx.response.status(refusal.status).json({
      error: { code: refusal.code, message: refusal.message },
      errors: refusal.fields ?? [{ message: refusal.message }],
    })
  }

  async #fragment(ctx: HttpContext, refusal: Refusal) {
    const html = await ctx.view.render('pages/errors/fragment', { refusal })
    return ctx.response.status(refusal.status).header('Vary', 'HX-Request').send(html)
  }
}

function hasSession(ctx: HttpContext) {
  const named = [...(ctx.route?.middleware.all() ?? [])] as { name?: string }[]
  return named.some((one) => one.name === 'session')
}

function clientErrorPage(error: unknown, view: HttpContext['view']) {
  return view.render('pages/errors/client_error', { refusal: describeRefusal(error), backTo: null })
}

/**
 * Scripts and the Noa app rarely say what they accept: for a refused
 * upload, only a client asking for HTML gets the page.
 */
function acceptsHtml(ctx: HttpContext) {
  return (ctx.request.header('accept') ?? '').includes('html')
}

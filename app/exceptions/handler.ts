import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import env from '#start/env'
import { clientKindOf, describeRefusal, type Refusal } from '#exceptions/refusals'
import { sameOriginPath } from '#middleware/recent_auth_middleware'
import {
  type FormRefusalException,
  isFormRefusal,
  refusedFormRedraw,
  withoutSecrets,
} from '#exceptions/form_refusal'

/**
 * The one place a refusal becomes an answer (see docs/errors.md). Every
 * error is read as a status, a code and a message; the answer depends on
 * who asked:
 * - API and webhook clients get JSON, `{ error: { code, message } }`
 *   (and `errors`: the per-field messages of a validation failure);
 * - an htmx request for a fragment gets the message as a fragment;
 * - a browser gets the styled page of the status.
 * A form's validation errors still go back to the form, flashed; a
 * refused form (FormRefusalException) is shown again with its message
 * next to its field (see #refusedForm).
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

  /** a refused form is the user's mistake, answered to them: nothing to log */
  protected shouldReport(error: Parameters<ExceptionHandler['shouldReport']>[0]) {
    return !isFormRefusal(error) && super.shouldReport(error)
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
    if (isFormRefusal(error) && (refusedFormRedraw(ctx) || isForm)) {
      return this.#refusedForm(ctx, refusal, error)
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
    const formError =
      refusal.field === undefined
        ? { message: refusal.message }
        : { code: refusal.code, message: refusal.message, field: refusal.field }
    return ctx.response.status(refusal.status).json({
      error: { code: refusal.code, message: refusal.message },
      errors: refusal.fields ?? [formError],
    })
  }

  /**
   * A refused form, for a browser or htmx: drawn again in place with the
   * refusal's status when the controller named its view, otherwise the
   * message is flashed next to its field (or as the page's error notice)
   * with the old input, minus secrets, and the browser goes back to the
   * form (htmx follows HX-Location). Views read `formError` (the whole
   * form), `fieldErrors` (by field) or `refusal` (status, code, message,
   * field), or `@inputError` after a redirect.
   */
  async #refusedForm(ctx: HttpContext, refusal: Refusal, error: FormRefusalException) {
    const { response, session } = ctx
    const field = refusal.field ?? null
    if (refusal.retryAfter !== undefined) response.header('Retry-After', String(refusal.retryAfter))
    const redraw = refusedFormRedraw(ctx)
    if (redraw && 'view' in redraw && !(field === null && redraw.wholeFormTo)) {
      const state = typeof redraw.state === 'function' ? await redraw.state(error) : redraw.state
      const html = await ctx.view.render(redraw.view, {
        ...state,
        refusal: { status: refusal.status, code: refusal.code, message: refusal.message, field },
        formError: field ? null : refusal.message,
        fieldErrors: field ? { [field]: refusal.message } : {},
      })
      return response.status(refusal.status).send(html)
    }
    session.flash(withoutSecrets(ctx.request.all()) as Parameters<typeof session.flash>[0])
    if (field) session.flash('inputErrorsBag', { [field]: [refusal.message] })
    else session.flash('error', refusal.message)
    // back to the form's page, on this site whatever the Referer names
    const named = redraw && ('view' in redraw ? redraw.wholeFormTo : redraw.redirectTo)
    const location = named ?? sameOriginPath(ctx.request.header('referer') ?? '/')
    if (ctx.request.header('hx-request') === 'true') {
      response.header('HX-Location', location)
      return response.noContent()
    }
    return response.redirect(location)
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

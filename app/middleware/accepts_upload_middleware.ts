import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { Exception } from '@adonisjs/core/exceptions'
import Tokens from 'csrf'
import { assertPlainText } from '#middleware/text_input_middleware'
import { roleAllows, type Permission } from '#services/authorization'
import {
  closeIfLargeBodyUnread,
  readMultipartBody,
  removeTemporaryUploads,
  uploadLimitOf,
} from '#services/request_bodies'

export type AcceptsUploadOptions = {
  /** largest request body (default: bodyLimits.upload) */
  maxBytes?: number | (() => number)
  /** a permission the member's role must hold before anything is read */
  permission?: Permission
}

class UploadRefusedException extends Exception {
  static status = 403
}

const csrfTokens = new Tokens()
/** where Shield keeps the session's CSRF secret */
const CSRF_SECRET_KEY = 'csrf-secret'

/**
 * The one place a route's upload is read, placed after the route's
 * authentication (session or token) and superuser checks. Before a byte
 * of the body is received it checks the member's permission and, on
 * session routes, that the form was not posted from another site (the
 * Origin header, then the X-CSRF-TOKEN header htmx sends). Only then is
 * the body read, into a private temporary folder; a form without htmx
 * has its `_csrf` field verified once read, before the handler runs.
 * Whatever the outcome, the upload's temporary files are removed when
 * the request ends.
 */
export default class AcceptsUploadMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: AcceptsUploadOptions = {}) {
    if (ctx.request.bodyType !== 'multipart') return next()
    const sessionRoute = usesSession(ctx)
    try {
      if (options.permission && !memberHolds(ctx, options.permission)) {
        throw new UploadRefusedException('You are not allowed to upload here.', {
          code: 'E_AUTHORIZATION_FAILURE',
        })
      }
      const headerToken = sessionRoute ? ctx.request.header('x-csrf-token') : undefined
      if (sessionRoute) {
        if (crossSite(ctx)) throw csrfRefusal()
        if (headerToken && !validCsrfToken(ctx, headerToken)) throw csrfRefusal()
      }
      await readMultipartBody(ctx, uploadLimitOf(ctx))
      assertPlainText(ctx)
      if (sessionRoute && !headerToken && !validCsrfToken(ctx, ctx.request.input('_csrf'))) {
        throw csrfRefusal()
      }
      return await next()
    } catch (error) {
      closeIfLargeBodyUnread(ctx)
      throw error
    } finally {
      await removeTemporaryUploads(ctx)
    }
  }
}

function usesSession(ctx: HttpContext) {
  const named = [...(ctx.route?.middleware.all() ?? [])] as { name?: string }[]
  return named.some((one) => one.name === 'session')
}

function memberHolds(ctx: HttpContext, permission: Permission) {
  const role = ctx.membership?.role
  return Boolean(role && roleAllows(role, permission))
}

/**
 * A browser names the page's origin on every cross-origin POST (and
 * Sec-Fetch-Site on every request): a form another site posts is refused
 * before its upload is read.
 */
function crossSite(ctx: HttpContext) {
  const fetchSite = ctx.request.header('sec-fetch-site')
  if (fetchSite && fetchSite !== 'same-origin' && fetchSite !== 'none') return true
  const origin = ctx.request.header('origin')
  if (!origin || origin === 'null') return origin === 'null'
  try {
    return new URL(origin).host !== ctx.request.host()
  } catch {
    return true
  }
}

function validCsrfToken(ctx: HttpContext, token: unknown) {
  const secret = ctx.session?.get(CSRF_SECRET_KEY)
  return typeof secret === 'string' && typeof token === 'string' && csrfTokens.verify(secret, token)
}

function csrfRefusal() {
  return new Exception('Invalid or expired CSRF token', { status: 403, code: 'E_BAD_CSRF_TOKEN' })
}

import type { HttpContext } from '@adonisjs/core/http'
import { isFormRefusal } from '#exceptions/form_refusal'

/**
 * What the exception handler needs of any error to answer it: an HTTP
 * status, a stable code a client can branch on, and a message a person
 * can act on. Expected refusals are AdonisJS Exceptions carrying status
 * and code already (see docs/errors.md); anything else is a 500 whose
 * detail stays in the log.
 */
export type Refusal = {
  status: number
  code: string
  message: string
  /** per-field messages of a validation failure */
  fields?: { field: string; message: string; rule?: string }[]
  /** the form field a refused form's message belongs to (null: the whole form) */
  field?: string | null
  retryAfter?: number
}

const CODES_BY_STATUS: Record<number, string> = {
  400: 'E_BAD_REQUEST',
  401: 'E_UNAUTHORIZED',
  403: 'E_FORBIDDEN',
  404: 'E_NOT_FOUND',
  405: 'E_METHOD_NOT_ALLOWED',
  409: 'E_CONFLICT',
  413: 'E_REQUEST_ENTITY_TOO_LARGE',
  415: 'E_UNSUPPORTED_MEDIA_TYPE',
  422: 'E_UNPROCESSABLE',
  429: 'E_TOO_MANY_REQUESTS',
  503: 'E_SERVICE_UNAVAILABLE',
}

/** what a person is told when the server failed: the detail is in the log */
export const SERVER_FAILURE =
  'Something went wrong on our side. It has been logged; please try again in a moment.'

/** messages the framework gives for a body it cannot read, in plain words */
const UNREADABLE_BODY =
  'The request body could not be read: send well-formed JSON, form data or multipart.'

export function describeRefusal(error: unknown): Refusal {
  const candidate = (typeof error === 'object' && error !== null ? error : {}) as {
    status?: unknown
    code?: unknown
    message?: unknown
    messages?: unknown
    retryAfter?: unknown
    field?: unknown
  }
  const status =
    typeof candidate.status === 'number' && candidate.status >= 400 && candidate.status <= 599
      ? candidate.status
      : 500
  const code =
    typeof candidate.code === 'string' && /^E_[A-Z0-9_]+$/.test(candidate.code)
      ? candidate.code
      : (CODES_BY_STATUS[status] ?? (status >= 500 ? 'E_INTERNAL' : 'E_BAD_REQUEST'))
  if (status >= 500) {
    return { status, code: status === 503 ? code : 'E_INTERNAL', message: SERVER_FAILURE }
  }
  const refusal: Refusal = { status, code, message: messageOf(candidate.message, status, code) }
  if (code === 'E_VALIDATION_ERROR' && Array.isArray(candidate.messages)) {
    refusal.fields = candidate.messages as Refusal['fields']
    refusal.message = refusal.fields?.[0]?.message ?? 'The request is invalid.'
  }
  if (typeof candidate.retryAfter === 'number') refusal.retryAfter = candidate.retryAfter
  if (isFormRefusal(error)) refusal.field = error.field
  return refusal
}

function messageOf(message: unknown, status: number, code: string) {
  if (status === 400 && /JSON|Unexpected|multipart|Malformed|boundary/i.test(String(message))) {
    return UNREADABLE_BODY
  }
  if (code === 'E_ROUTE_NOT_FOUND') return 'There is nothing at this address.'
  const text = typeof message === 'string' && message.trim() ? message.trim() : null
  return (text ?? 'The request was refused.').slice(0, 500)
}

export type ClientKind = 'api' | 'htmx' | 'page'

/**
 * Who is asking: token API routes, anything under /api (webhooks
 * included) and clients that prefer JSON get JSON; an htmx request for a
 * fragment gets a fragment; everyone else gets a page.
 */
export function clientKindOf(ctx: HttpContext): ClientKind {
  const named = [...(ctx.route?.middleware.all() ?? [])] as { name?: string }[]
  const path = ctx.request.url()
  if (named.some((one) => one.name === 'apiAuth') || path === '/api' || path.startsWith('/api/')) {
    return 'api'
  }
  if (ctx.request.accepts(['html', 'json']) === 'json') return 'api'
  const header = (name: string) => ctx.request.header(name)
  const wantsFragment =
    header('hx-request') === 'true' &&
    header('hx-boosted') !== 'true' &&
    header('hx-history-restore-request') !== 'true'
  return wantsFragment ? 'htmx' : 'page'
}

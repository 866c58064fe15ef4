import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { Exception } from '@adonisjs/core/exceptions'

/**
 * Text no field may hold: C0 control characters other than tab, line
 * feed and carriage return (NUL is refused by PostgreSQL, stored by
 * SQLite), DEL, and UTF-16 surrogates without their pair (validator.js
 * throws "URI malformed" on them inside `email()`).
 */

function isForbidden(text: string) {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return true
    if (code === 0x7f) return true
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(index + 1)
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true
      index += 1
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      return true
    }
  }
  return false
}

export class InvalidTextException extends Exception {
  static status = 422
  static code = 'E_INVALID_TEXT'
}

/** the first field (dotted path) whose text, or name, holds a forbidden character */
export function fieldWithForbiddenText(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return isForbidden(value) ? path || 'the request' : null
  if (depth > 8 || typeof value !== 'object' || value === null) return null
  for (const [key, item] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key
    if (isForbidden(key)) return here
    const found = fieldWithForbiddenText(item, here, depth + 1)
    if (found) return found
  }
  return null
}

export function assertPlainText(ctx: HttpContext) {
  const { request } = ctx
  const field =
    fieldWithForbiddenText(request.params(), 'address') ??
    fieldWithForbiddenText(request.qs()) ??
    fieldWithForbiddenText(request.body()) ??
    fieldWithForbiddenText(
      Object.values(request.allFiles()).flatMap((files) =>
        [files].flat().map((file) => ({ filename: file.clientName }))
      ),
      'file'
    )
  if (field) {
    throw new InvalidTextException(
      `"${field}" holds a control character or a broken Unicode character: remove it and try again.`
    )
  }
}

/**
 * Every request's query, route parameters and body (form, JSON and the
 * fields and file names of an upload) are refused with 422 when they
 * hold text no field may store, before any validator or rule runs.
 * Webhook deliveries are left alone: their body is the provider's
 * signed document, verified and stored as received.
 */
export default class TextInputMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    if (!ctx.route?.name?.startsWith('webhooks.')) assertPlainText(ctx)
    return next()
  }
}

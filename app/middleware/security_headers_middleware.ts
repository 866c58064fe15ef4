import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import app from '@adonisjs/core/services/app'
import shieldConfig from '#config/shield'

type DirectiveValue = string | ((...args: unknown[]) => string | string[])

/**
 * The page CSP of config/shield.ts written as Shield writes it, for the
 * responses Shield never sees: unknown paths, static files, errors raised
 * before a route's middleware ran, API answers.
 */
function contentSecurityPolicy() {
  const directives = (shieldConfig.csp.directives ?? {}) as Record<string, DirectiveValue[]>
  return Object.entries(directives)
    .map(([name, values]) => {
      const kebab = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)
      const sources = values.flatMap((value) => (typeof value === 'function' ? value() : value))
      return `${kebab} ${sources.join(' ')}`
    })
    .join(';')
}

/**
 * The headers of every answer, for the few written outside the request
 * pipeline too (a malformed URL, oversized headers).
 */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    'X-Content-Type-Options': 'nosniff',
    ...(app.inProduction
      ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' }
      : {}),
  }
}

/**
 * The same security headers on every response, errors, 404s, static
 * assets and the maintenance page included; Shield writes the same CSP
 * and frame policy again on pages (with the same values), plus the CSRF
 * cookie. Also the request id, for support.
 */
export default class SecurityHeadersMiddleware {
  handle({ request, response }: HttpContext, next: NextFn) {
    const requestId = request.id()
    if (requestId) response.header('X-Request-Id', requestId)
    for (const [name, value] of Object.entries(securityHeaders())) response.header(name, value)
    return next()
  }
}

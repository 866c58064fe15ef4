import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { maintenance } from '#services/maintenance'

/**
 * While "maintenance.enabled" exists every request but the probes and
 * assets gets a styled 503 with Retry-After.
 */
export default class MaintenanceMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (!maintenance.isEnabled() || maintenance.isExempt(ctx.request.url())) {
      return next()
    }
    const retryAfter = maintenance.retryAfterSeconds
    ctx.response.header('Retry-After', String(retryAfter))
    ctx.response.header('Cache-Control', 'no-store')
    ctx.response.status(503)
    if (ctx.request.accepts(['html', 'json']) === 'json') {
      ctx.response.send({ errors: [{ message: 'Sextant is down for maintenance', retryAfter }] })
      return
    }
    ctx.response.send(await ctx.view.render('pages/errors/maintenance', { retryAfter }))
  }
}

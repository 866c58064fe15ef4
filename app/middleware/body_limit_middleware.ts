import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * Declares a route's body limit (`bodyLimit({ maxBytes })`), for routes
 * that take larger JSON or form bodies than pages do (webhooks). The
 * limit is applied by request_body_middleware, which reads this
 * declaration before the body is parsed; by the time this runs there is
 * nothing left to do.
 */
export default class BodyLimitMiddleware {
  async handle(_ctx: HttpContext, next: NextFn, _options: { maxBytes: number | (() => number) }) {
    return next()
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import ApiAuthMiddleware from '#middleware/api_auth_middleware'

/**
 * Router middleware placed before the bodyparser: on a route behind
 * apiAuth (the token API, plugins' token routes) the token is checked
 * first, so a client without a valid token cannot make the server
 * receive and parse a JSON or form body up to the parser's limit (25 MB).
 * Multipart bodies of token routes are read later still, after the
 * route's own checks (the acceptsUpload middleware).
 */
export default class TokenBeforeBodyMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const named = [...(ctx.route?.middleware.all() ?? [])]
    if (!named.some((one) => 'name' in one && one.name === 'apiAuth')) return next()
    return new ApiAuthMiddleware().handle(ctx, next)
  }
}

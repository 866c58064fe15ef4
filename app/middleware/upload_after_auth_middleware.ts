import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { withUploadRead } from '#services/token_route_bodies'

/**
 * Reads the multipart body of a token route marked with
 * readUploadAfterAuthentication. Placed after apiAuth, so a request
 * without a valid token is refused before its upload is received; the
 * upload's temporary files are removed once the route has answered.
 */
export default class UploadAfterAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    return withUploadRead(ctx, async () => next())
  }
}

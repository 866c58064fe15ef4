import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * The admin area exists only for superusers; anyone else gets the same
 * 404 as for a path that does not exist.
 */
export default class SuperuserMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (!ctx.auth.use('web').user?.isSuperuser) {
      return ctx.response.notFound(await ctx.view.render('pages/errors/not_found'))
    }
    return next()
  }
}

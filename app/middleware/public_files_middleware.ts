import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import StaticMiddleware from '@adonisjs/static/static_middleware'

/**
 * The files of public/ (favicon.svg, robots.txt: every one has an
 * extension). The static middleware asks the disk about every request
 * path (a stat per page, 2.7% of an Executive Summary's CPU); a path
 * whose last segment has no dot cannot name one of these files, so it
 * goes straight on to the routes.
 */
@inject()
export default class PublicFilesMiddleware {
  constructor(protected files: StaticMiddleware) {}

  handle(ctx: HttpContext, next: NextFn) {
    if (!mayNameAFile(ctx.request.url())) return next()
    return this.files.handle(ctx, next)
  }
}

export function mayNameAFile(pathname: string) {
  return pathname.slice(pathname.lastIndexOf('/') + 1).includes('.')
}

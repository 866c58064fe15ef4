import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * What htmx told us about a request. A page action renders its partial
 * only for a plain htmx request; boosted navigation and history restore
 * need the whole page.
 */
export class HtmxRequest {
  constructor(private headers: (name: string) => string | undefined) {}

  get isHtmx() {
    return this.headers('hx-request') === 'true'
  }

  get isBoosted() {
    return this.headers('hx-boosted') === 'true'
  }

  get isHistoryRestore() {
    return this.headers('hx-history-restore-request') === 'true'
  }

  get target() {
    return this.headers('hx-target') ?? null
  }

  /**
   * True when the response should be a fragment, not a whole page.
   */
  get wantsPartial() {
    return this.isHtmx && !this.isBoosted && !this.isHistoryRestore
  }
}

export default class HtmxMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    ctx.htmx = new HtmxRequest((name) => ctx.request.header(name))
    /**
     * One URL answers with a page or a fragment depending on HX-Request,
     * so caches must key on it.
     */
    ctx.response.header('Vary', 'HX-Request')
    ctx.view.share({ htmx: ctx.htmx })
    return next()
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    htmx: HtmxRequest
  }
}

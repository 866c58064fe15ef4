import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
// its declaration of ctx.auth (the module augmentation), without its middleware
import type {} from '@adonisjs/auth/initialize_auth_middleware'

/**
 * ctx.auth for every routed request, as @adonisjs/auth's own
 * initialize_auth middleware makes it, without building a template
 * renderer: that one shares `auth` with `ctx.view`, and reading `ctx.view`
 * creates an Edge renderer for every request, webhooks and the token API
 * included (8.7% of the webhook server's CPU in the profile,
 * docs/performance.md). Templates still get `auth`: the `view` getter
 * (start/view.ts) shares it when a renderer is made, and a renderer made
 * before this middleware ran gets it here.
 */
export default class InitializeAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const manager = await ctx.containerResolver.make('auth.manager')
    ctx.auth = manager.createAuthenticator(ctx)
    // the `view` getter is a singleton: once read, it is the instance's own property
    if (Object.hasOwn(ctx, 'view')) ctx.view.share({ auth: ctx.auth })
    return next()
  }
}

import { redirectAfterWrite, type PluginRouteContext } from '#plugin-sdk'

/** the member acting on an assistant page (session routes always have one) */
export function actor(ctx: PluginRouteContext) {
  return { organizationId: ctx.plugin.organizationId!, userId: ctx.plugin.user!.id }
}

export async function notFound(ctx: PluginRouteContext) {
  return ctx.response.notFound(await ctx.view.render('pages/errors/not_found'))
}

export async function forbidden(ctx: PluginRouteContext) {
  return ctx.response.forbidden(await ctx.view.render('pages/errors/forbidden'))
}

/** after a write: htmx follows HX-Location, a plain form is redirected */
export function afterWrite(
  ctx: PluginRouteContext,
  path: string,
  flash?: { kind: 'success' | 'error'; message: string }
) {
  return redirectAfterWrite(ctx, path, flash)
}

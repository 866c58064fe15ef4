import type { PluginRouteContext } from '#plugin-sdk'

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
  if (flash) ctx.session.flash(flash.kind, flash.message)
  if (ctx.htmx.isHtmx) {
    ctx.response.header('HX-Location', path)
    return ctx.response.noContent()
  }
  return ctx.response.redirect(path)
}

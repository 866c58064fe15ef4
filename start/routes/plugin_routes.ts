/*
|--------------------------------------------------------------------------
| Plugin routes
|--------------------------------------------------------------------------
|
| The HTTP side of a plugin's own routes: mounts them behind the access
| they ask for and hands each handler its context. It reads requests and
| runs the connect use case (saveConnection), so it sits with the routes
| (start/routes/integrations.ts mounts every loaded plugin's), not in
| app/services (services never import actions). It exports no controller
| class, so it stays out of app/controllers and the generated barrel.
|
*/
import router from '@adonisjs/core/services/router'
import type { HttpContext } from '@adonisjs/core/http'
import { middleware, web } from '#start/kernel'
import Connection from '#models/connection'
import type Membership from '#models/membership'
import { connectionHandle } from '#services/plugins/connection_handle'
import {
  connectOutcomeMessage,
  finishConnecting,
  upsertConnection,
} from '#actions/connections/store_connection'
import { roleAllows, type Permission } from '#services/authorization'
import type { LoadedPlugin } from '#services/plugins/registry'
import { closeIfLargeBodyUnread } from '#services/request_bodies'
import type {
  PluginRouteContext,
  PluginRouteHandler,
  PluginRouteOptions,
  PluginRouter,
  SaveConnectionValues,
  SavedConnection,
} from '#plugin-sdk/types'

type Method = 'get' | 'post' | 'put' | 'delete'

/**
 * Session routes that name a permission: checked before anything else
 * of the request (an upload included) is read.
 */
function requirePermission(permission: Permission) {
  return async (ctx: HttpContext, next: () => Promise<unknown>) => {
    const role = ctx.membership?.role
    if (!role || !roleAllows(role, permission)) {
      closeIfLargeBodyUnread(ctx)
      return ctx.response.forbidden(await ctx.view.render('pages/errors/forbidden'))
    }
    return next()
  }
}

function wrap(plugin: LoadedPlugin, handler: PluginRouteHandler, options: PluginRouteOptions) {
  return async (ctx: HttpContext) => {
    const access = options.access ?? 'session'
    const membership: Membership | null = access === 'public' ? null : (ctx.membership ?? null)
    const organization = access === 'public' ? null : (ctx.organization ?? null)
    const actingUser =
      access === 'session'
        ? ctx.auth.use('web').user
        : access === 'token'
          ? ctx.auth.use('api').user
          : null
    const pluginContext = Object.assign(ctx, {
      plugin: {
        id: plugin.id,
        organizationPublicId: organization?.publicId ?? null,
        organizationId: organization?.id ?? null,
        user: actingUser
          ? {
              id: actingUser.id,
              publicId: actingUser.publicId,
              email: actingUser.email,
              fullName: actingUser.fullName ?? null,
              isSuperuser: Boolean(actingUser.isSuperuser),
            }
          : null,
        async connections() {
          if (!organization) return []
          const rows = await Connection.query()
            .where('organization_id', organization.id)
            .where('plugin_id', plugin.id)
            .orderBy('id')
          return rows.map((row) => connectionHandle(row, plugin))
        },
        can(permission: string) {
          const role = membership?.role
          return Boolean(role && roleAllows(role, permission as Permission))
        },
        async connection(publicId: string) {
          const id = Connection.keyFromPublicId(publicId)
          if (!organization || id === null) return null
          const row = await Connection.query()
            .where('id', id)
            .where('organization_id', organization.id)
            .where('plugin_id', plugin.id)
            .first()
          return row ? connectionHandle(row, plugin) : null
        },
        async saveConnection(values: SaveConnectionValues): Promise<SavedConnection> {
          const user = access === 'session' ? ctx.auth.use('web').user : null
          if (!organization || !user) {
            throw new Error('saveConnection needs a signed-in member (a session route)')
          }
          const row = await upsertConnection({
            organizationId: organization.id,
            pluginId: plugin.id,
            accountKey: values.accountKey,
            createdById: user.id,
            displayName: values.displayName,
            config: values.config,
            credentials: values.credentials ?? {},
            baseUrl: values.baseUrl ?? null,
            status: values.status ?? 'active',
          })
          const outcome = await finishConnecting(row, plugin)
          return {
            connection: connectionHandle(outcome.connection, plugin),
            test: outcome.test,
            syncQueued: outcome.syncQueued,
            message: connectOutcomeMessage(outcome),
          }
        },
      },
    }) as PluginRouteContext
    return handler(pluginContext)
  }
}

/**
 * Mounts a plugin's routes under /integrations/<id> (or at an absolute
 * path the plugin claims, for legacy URLs) behind the access it asks for.
 */
export function mountPluginRoutes(plugin: LoadedPlugin) {
  if (!plugin.definition.routes) return
  const add =
    (method: Method) =>
    (path: string, handler: PluginRouteHandler, options: PluginRouteOptions = {}) => {
      const access = options.access ?? 'session'
      const fullPath = options.absolute
        ? path
        : `/integrations/${plugin.id}${path.startsWith('/') ? path : `/${path}`}`
      const route = router[method](fullPath, wrap(plugin, handler, options))
      if (access === 'session') {
        route.use([...web(), middleware.auth()])
        if (options.superuser) route.use(middleware.superuser())
        if (options.reauthenticate) route.use(middleware.recentAuth())
        if (options.permission) route.use(requirePermission(options.permission as Permission))
      }
      if (access === 'token') {
        route.use([
          middleware.apiAuth(),
          middleware.tokenScope({
            ability: options.ability ?? (method === 'get' ? 'read' : 'write'),
            permission: options.permission as Permission | undefined,
            // the Noa app cannot send a second header; it may add ?organization=
            whenSeveral: 'first',
          }),
        ])
      }
      if (options.upload) {
        route.use(middleware.acceptsUpload({ maxBytes: options.upload.maxBytes }))
      }
      route.as(
        `plugins.${plugin.id}.${options.name ?? `${method}.${path.replace(/[^a-z0-9]+/gi, '_')}`}`
      )
    }
  const pluginRouter: PluginRouter = {
    get: add('get'),
    post: add('post'),
    put: add('put'),
    delete: add('delete'),
  }
  plugin.definition.routes(pluginRouter)
}

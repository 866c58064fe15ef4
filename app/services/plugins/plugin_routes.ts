import router from '@adonisjs/core/services/router'
import type { HttpContext } from '@adonisjs/core/http'
import { middleware, web } from '#start/kernel'
import Connection from '#models/connection'
import Organization from '#models/organization'
import type Membership from '#models/membership'
import ResolveOrganizationContext from '#actions/organizations/resolve_organization_context'
import { connectionHandle } from '#services/plugins/connection_handle'
import {
  connectOutcomeMessage,
  finishConnecting,
  upsertConnection,
} from '#actions/connections/store_connection'
import { roleAllows, type Permission } from '#services/authorization'
import type { LoadedPlugin } from '#services/plugins/registry'
import {
  closeIfLargeBodyUnread,
  readUploadAfterAuthentication,
  withUploadRead,
} from '#services/token_route_bodies'
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
 * The membership a token-authenticated plugin route acts through. A
 * client names an organisation (a public id) with the
 * X-Sextant-Organization header or, when it cannot send a second header
 * (the Noa app), the `organization` query parameter; without either the
 * user's first organisation answers. An organisation that is named but
 * is not one of the user's (unknown, someone else's, or two different
 * ones named) is refused rather than replaced by another: the request
 * would otherwise read or write the wrong organisation's data.
 */
async function tokenMembership(
  ctx: HttpContext
): Promise<{ membership: Membership | null } | { refused: string }> {
  const user = ctx.auth.use('api').user
  if (!user) return { membership: null }
  const query = ctx.request.qs().organization
  const named = [ctx.request.header('x-sextant-organization'), query]
    .flat()
    .map((value) => (typeof value === 'string' ? value.trim() : ''))
    .filter((value) => value !== '')
  if (new Set(named).size > 1) {
    return { refused: 'The request names two different organisations' }
  }
  const key = named.length > 0 ? Organization.keyFromPublicId(named[0]) : null
  const context = await new ResolveOrganizationContext().execute(user, key)
  if (named.length > 0 && (key === null || context?.organization.id !== key)) {
    return { refused: 'The token’s user is not a member of the organisation named' }
  }
  return { membership: context?.membership ?? null }
}

function wrap(plugin: LoadedPlugin, handler: PluginRouteHandler, options: PluginRouteOptions) {
  return async (ctx: HttpContext) => {
    const access = options.access ?? 'session'
    if (access === 'session' && options.permission) {
      const role = ctx.membership?.role
      if (!role || !roleAllows(role, options.permission as Permission)) {
        return ctx.response.forbidden(await ctx.view.render('pages/errors/forbidden'))
      }
    }
    let membership: Membership | null = access === 'session' ? (ctx.membership ?? null) : null
    if (access === 'token') {
      const resolved = await tokenMembership(ctx)
      if ('refused' in resolved) {
        closeIfLargeBodyUnread(ctx)
        return ctx.response.forbidden({ errors: [{ message: resolved.refused }] })
      }
      membership = resolved.membership
    }
    const organization =
      access === 'session' ? (ctx.organization ?? null) : (membership?.organization ?? null)
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
            baseUrl: null,
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
    if (access !== 'token') return handler(pluginContext)
    return withUploadRead(ctx, async () => handler(pluginContext))
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
        if (options.reauthenticate) route.use(middleware.recentAuth())
      }
      if (access === 'token') {
        route.use([middleware.apiAuth()])
        readUploadAfterAuthentication(route)
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

import type { HttpContext } from '@adonisjs/core/http'
import type { Oauth2Driver } from '@adonisjs/ally'
import type { AllyManagerDriverFactory } from '@adonisjs/ally/types'
import env from '#start/env'
import type { LoadedPlugin } from '#services/plugins/registry'
import { pluginMethods } from '#services/plugins/auth_methods'
import {
  declared,
  OAuthDriver,
  type OAuthDriverConfig,
  type OAuthDriverToken,
} from '#plugin-sdk/oauth_driver'
import type { OAuth2Auth } from '#plugin-sdk/types'

/**
 * Ally's drivers, one per OAuth 2.0 method of each loaded plugin. The
 * object is ally's resolved configuration (config/ally.ts hands it to
 * the ally provider as is), so a plugin's drivers registered when it
 * loads are the drivers `ctx.ally.use(name)` knows.
 */
export const pluginAllyDrivers: Record<string, AllyManagerDriverFactory> = {}

/** where every provider sends the user back, whichever plugin */
export const OAUTH_CALLBACK_PATH = '/integrations/oauth/callback'

/** the ally driver name of a plugin's method (it also names the state cookies) */
export function allyDriverName(pluginId: string, methodId: string) {
  return `plugin_${pluginId}_${methodId}`
}

/**
 * Where the provider sends the user back: under APP_URL when set (behind
 * a proxy), else the origin this request came to.
 */
export function oauthCallbackUrl(ctx: HttpContext, path: string = OAUTH_CALLBACK_PATH) {
  const origin = env.get('APP_URL') ?? new URL(ctx.request.completeUrl()).origin
  return `${origin.replace(/\/+$/, '')}${path}`
}

/** the driver's settings, read on use: client settings may come from the environment */
export function driverConfig(ctx: HttpContext, name: string, auth: OAuth2Auth): OAuthDriverConfig {
  return {
    name,
    auth,
    clientId: declared(auth.clientId) ?? '',
    clientSecret: declared(auth.clientSecret) ?? '',
    callbackUrl: declared(auth.callbackUrl) || oauthCallbackUrl(ctx, auth.callbackPath),
    authorizeUrl: declared(auth.authorizeUrl),
    accessTokenUrl: declared(auth.tokenUrl),
  }
}

/**
 * The paths besides the shared one that the loaded plugins' OAuth methods
 * answer on: each method's own callbackPath (sent as redirect_uri) and
 * the older paths an operator's app may still be registered with.
 */
export function legacyCallbackPaths(plugins: LoadedPlugin[]) {
  const paths = new Set<string>()
  for (const plugin of plugins) {
    for (const method of pluginMethods(plugin.definition)) {
      if (method.auth.kind !== 'oauth2') continue
      if (method.auth.callbackPath) paths.add(method.auth.callbackPath)
      for (const path of method.auth.legacyCallbackPaths ?? []) paths.add(path)
    }
  }
  return [...paths]
}

/** registers an ally driver for each OAuth 2.0 method the plugin declares */
export function registerPluginDrivers(plugin: LoadedPlugin) {
  for (const method of pluginMethods(plugin.definition)) {
    const auth = method.auth
    if (auth.kind !== 'oauth2') continue
    const name = allyDriverName(plugin.id, method.id)
    pluginAllyDrivers[name] = (ctx: HttpContext) => {
      const config = driverConfig(ctx, name, auth)
      return auth.driver ? auth.driver(ctx, config) : new OAuthDriver(ctx, config)
    }
  }
}

/** the ally driver of a plugin's OAuth method, for this request; null once the method is gone */
export function pluginDriver(ctx: HttpContext, pluginId: string, methodId: string) {
  const name = allyDriverName(pluginId, methodId)
  if (!ctx.ally.has(name)) return null
  return ctx.ally.use(name) as unknown as Oauth2Driver<OAuthDriverToken, string>
}

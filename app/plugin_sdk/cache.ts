import cache from '@adonisjs/cache/services/main'

/**
 * The application cache (bentocache through @adonisjs/cache) under the
 * plugin's own namespace, so its keys and tags never meet the core's or
 * another plugin's: `pluginCache('noa').getOrSet({ key, ttl, tags, factory })`.
 */
export function pluginCache(pluginId: string) {
  return cache.namespace(pluginId)
}

import { join } from 'node:path'
import type { ApplicationService } from '@adonisjs/core/types'
import { pluginRegistry } from '#services/plugins/registry'
import { registerPluginDrivers } from '#services/plugins/ally_drivers'

/**
 * Discovers and loads the plugins under plugins/ (and PLUGINS_EXTRA_PATHS)
 * before the routes are defined, registers the ally driver of each OAuth
 * 2.0 method, and mounts each plugin's views as the "<id>::" Edge disk.
 */
export default class PluginsProvider {
  constructor(protected app: ApplicationService) {}

  async boot() {
    await pluginRegistry.load()
    const { default: edge } = await import('edge.js')
    for (const plugin of pluginRegistry.loaded()) {
      registerPluginDrivers(plugin)
      if (plugin.definition.views) {
        edge.mount(plugin.id, join(plugin.dir, plugin.definition.views))
      }
    }
  }
}

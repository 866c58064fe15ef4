import { Exception } from '@adonisjs/core/exceptions'
import { pathToFileURL } from 'node:url'
import { relative } from 'node:path'
import app from '@adonisjs/core/services/app'
import { discoverPlugins } from '#services/plugins/discovery'
import { validateManifest } from '#services/plugins/manifest'
import type { PluginDefinition } from '#plugin-sdk/types'
import { settingsChanged } from '#plugin-sdk/settings_changes'

export type PluginState = 'loaded' | 'failed' | 'disabled'

export type RegisteredPlugin = {
  /** the folder name (equal to the manifest id once loaded) */
  id: string
  dir: string
  entry: string
  state: PluginState
  definition: PluginDefinition | null
  /** why the plugin failed to load: shown by plugins:list and the admin area */
  error: string | null
}

export type LoadedPlugin = RegisteredPlugin & { state: 'loaded'; definition: PluginDefinition }

/** a plugin id no installed, enabled plugin has: a 404 wherever a request names it (docs/errors.md) */
export class UnknownPluginException extends Exception {
  static status = 404
  static code = 'E_UNKNOWN_PLUGIN'

  constructor(readonly pluginId: string) {
    super(`No plugin "${pluginId}" is installed and enabled`)
  }
}

/**
 * Every plugin found under the plugin roots, loaded once per process. A
 * plugin that throws while importing, or whose manifest is invalid, is
 * kept as "failed" with its error so the app still boots and the admin
 * can see what to fix.
 */
class PluginRegistry {
  #plugins = new Map<string, RegisteredPlugin>()
  #loading: Promise<void> | null = null

  load(): Promise<void> {
    this.#loading ??= this.#loadAll()
    return this.#loading
  }

  all(): RegisteredPlugin[] {
    return [...this.#plugins.values()]
  }

  loaded(): LoadedPlugin[] {
    return this.all().filter((plugin): plugin is LoadedPlugin => plugin.state === 'loaded')
  }

  get(id: string): LoadedPlugin | null {
    const plugin = this.#plugins.get(id)
    return plugin?.state === 'loaded' ? (plugin as LoadedPlugin) : null
  }

  require(id: string): LoadedPlugin {
    const plugin = this.get(id)
    if (!plugin) throw new UnknownPluginException(id)
    return plugin
  }

  async #loadAll() {
    for (const found of discoverPlugins()) {
      if (this.#plugins.has(found.folder)) {
        await report(
          `Plugin "${found.folder}" exists in several plugin folders; ${found.dir} ignored`
        )
        continue
      }
      const plugin: RegisteredPlugin = {
        id: found.folder,
        dir: found.dir,
        entry: found.entry,
        state: found.disabled ? 'disabled' : 'loaded',
        definition: null,
        error: null,
      }
      this.#plugins.set(found.folder, plugin)
      if (found.disabled) continue
      try {
        const module = await import(pathToFileURL(found.entry).href)
        plugin.definition = validateManifest(found.folder, found.dir, module.default)
      } catch (error) {
        plugin.state = 'failed'
        plugin.error = error instanceof Error ? error.message : String(error)
        await report(
          `Plugin "${found.folder}" (${relative(app.makePath(), found.entry)}) failed to load: ${plugin.error}`,
          error
        )
      }
    }
    // the loaded plugins are where form-action origins (and the like) come from
    settingsChanged()
  }
}

/**
 * Plugins load while providers boot (web, tests) or before the app boots
 * at all (listing ace commands), when the logger service may not exist.
 */
async function report(message: string, error?: unknown) {
  try {
    const logger = await app.container.make('logger')
    logger.error({ err: error }, message)
  } catch {
    process.stderr.write(`${message}\n`)
  }
}

export const pluginRegistry = new PluginRegistry()

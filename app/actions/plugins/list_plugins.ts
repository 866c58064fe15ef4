import db from '@adonisjs/lucid/services/db'
import { pluginRegistry, type PluginState } from '#services/plugins/registry'
import type { SettingProblem } from '#plugin-sdk/settings'
import type { ConnectionScope } from '#plugin-sdk/types'
import { configurationProblems } from '#services/plugins/plugin_declarations'

export type PluginListing = {
  id: string
  /** null when the plugin failed to load or is disabled (its manifest was not read) */
  name: string | null
  version: string | null
  /** "needs configuration": loaded, but a declared environment variable is missing or invalid */
  state: PluginState | 'needs configuration'
  /** what an administrator has to set or fix, each naming its variable (empty when configured) */
  needsConfiguration: SettingProblem[]
  /**
   * Who connects it: each organisation, or the installation (a superuser
   * in the admin area); null when the manifest was not read.
   */
  scope: ConnectionScope | null
  /** connections to this plugin, across every organisation (and the installation) */
  connections: number
  /**
   * Why the plugin failed to load; for a loaded plugin, a command that
   * failed to load or else the most recent error of one of its connections.
   */
  lastError: string | null
}

/**
 * Every plugin found under the plugin roots, whatever its state, with how
 * much it is used and what last went wrong (for plugins:list).
 */
export default class ListPlugins {
  async execute(): Promise<PluginListing[]> {
    await pluginRegistry.load()
    const plugins = pluginRegistry.all()
    const ids = plugins.map((plugin) => plugin.id)
    const connectionCounts = await this.#connectionCounts(ids)
    const connectionErrors = await this.#newestConnectionErrors(ids)

    return plugins.map((plugin) => {
      const needsConfiguration = configurationProblems(plugin)
      return {
        id: plugin.id,
        name: plugin.definition?.name ?? null,
        version: plugin.definition?.version ?? null,
        state: needsConfiguration.length > 0 ? 'needs configuration' : plugin.state,
        needsConfiguration,
        scope: plugin.definition ? (plugin.definition.connection?.scope ?? 'organization') : null,
        connections: connectionCounts.get(plugin.id) ?? 0,
        lastError: plugin.error ?? connectionErrors.get(plugin.id) ?? null,
      }
    })
  }

  async #connectionCounts(pluginIds: string[]) {
    const counts = new Map<string, number>()
    if (pluginIds.length === 0) return counts
    const rows = await db
      .from('connections')
      .whereIn('plugin_id', pluginIds)
      .select('plugin_id')
      .count('* as total')
      .groupBy('plugin_id')
    for (const row of rows) counts.set(String(row.plugin_id), Number(row.total))
    return counts
  }

  /**
   * Picked in JavaScript rather than ordered in SQL: databases disagree on
   * where NULL timestamps sort, and a plugin has few connections.
   */
  async #newestConnectionErrors(pluginIds: string[]) {
    const newest = new Map<string, { error: string; at: number }>()
    if (pluginIds.length === 0) return new Map<string, string>()
    const rows = await db
      .from('connections')
      .whereIn('plugin_id', pluginIds)
      .whereNotNull('last_error')
      .select('plugin_id', 'last_error', 'last_error_at')
    for (const row of rows) {
      const pluginId = String(row.plugin_id)
      const at = millisecondsOf(row.last_error_at)
      const current = newest.get(pluginId)
      if (!current || at > current.at) newest.set(pluginId, { error: String(row.last_error), at })
    }
    return new Map([...newest].map(([pluginId, { error }]) => [pluginId, error]))
  }
}

/**
 * PostgreSQL and MySQL hand timestamps back as Date, SQLite as the text
 * that was written; a missing timestamp sorts before every real one.
 */
function millisecondsOf(value: unknown): number {
  if (value instanceof Date) return value.getTime()
  if (typeof value === 'number') return value
  if (typeof value !== 'string') return Number.NEGATIVE_INFINITY
  const parsed = Date.parse(value.includes('T') ? value : value.replace(' ', 'T'))
  return Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed
}

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { isAbsolute, join, relative } from 'node:path'
import app from '@adonisjs/core/services/app'
import env from '#start/env'

/**
 * Finds plugin folders on disk without importing them: a folder under one
 * of the plugin roots holding plugin.ts (plugin.js once built). This is
 * synchronous and import-free so that config files (migration paths) and
 * the ace commands loader can use it before the application boots.
 */
export type DiscoveredPlugin = {
  /** folder name, which must equal the manifest's id */
  folder: string
  dir: string
  entry: string
  disabled: boolean
}

const PLUGIN_ENTRIES = ['plugin.js', 'plugin.ts']

export function pluginRoots(): string[] {
  const primary = env.get('PLUGINS_PATH') || 'plugins'
  const extra = (env.get('PLUGINS_EXTRA_PATHS') ?? '')
    .split(',')
    .map((path) => path.trim())
    .filter(Boolean)
  return [primary, ...extra].map((root) => (isAbsolute(root) ? root : app.makePath(root)))
}

export function disabledPluginIds(): Set<string> {
  return new Set(
    (env.get('PLUGINS_DISABLED') ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean)
  )
}

export function discoverPlugins(): DiscoveredPlugin[] {
  const disabled = disabledPluginIds()
  const found: DiscoveredPlugin[] = []
  for (const root of pluginRoots()) {
    if (!existsSync(root)) continue
    for (const folder of readdirSync(root).sort()) {
      if (folder.startsWith('.') || folder.startsWith('_')) continue
      const dir = join(root, folder)
      if (!statSync(dir).isDirectory()) continue
      const entryName = PLUGIN_ENTRIES.find((name) => existsSync(join(dir, name)))
      if (!entryName) continue
      found.push({ folder, dir, entry: join(dir, entryName), disabled: disabled.has(folder) })
    }
  }
  return found
}

/**
 * A plugin's own tables live in <plugin>/database/migrations and run with
 * the core's migrations (by convention, so config needs no import).
 */
export function pluginMigrationPaths(): string[] {
  return discoverPlugins()
    .filter((plugin) => !plugin.disabled)
    .map((plugin) => join(plugin.dir, 'database', 'migrations'))
    .filter((dir) => existsSync(dir))
    .map((dir) => relative(app.makePath(), dir))
}

/**
 * The tables plugins' migrations create, read from the migration sources
 * (import-free, like the paths above, so config/database.ts can use it).
 * Lucid's schema generation leaves them out: database/schema.ts holds the
 * core's tables only, and a plugin declares its own models' columns.
 * Disabled plugins count too (their tables stay in the database).
 * A migration must name its tables with string literals
 * (`createTable('snyk_issues', …)` or `tableName = 'snyk_issues'`);
 * tests/functional/generated_files.spec.ts checks this reading against
 * the tables the migrations really create.
 */
const TABLE_NAME_PATTERNS = [
  /createTable(?:IfNotExists)?\(\s*(['"`])([\w.]+)\1/g,
  /renameTable\(\s*(['"`])[\w.]+\1\s*,\s*(['"`])([\w.]+)\2/g,
  /tableName\s*=\s*(['"`])([\w.]+)\1/g,
]

export function pluginTableNames(): string[] {
  const tables = new Set<string>()
  for (const plugin of discoverPlugins()) {
    const dir = join(plugin.dir, 'database', 'migrations')
    if (!existsSync(dir)) continue
    for (const file of readdirSync(dir)) {
      if (!/\.(ts|js)$/.test(file) || file.endsWith('.d.ts')) continue
      const source = readFileSync(join(dir, file), 'utf8')
      for (const pattern of TABLE_NAME_PATTERNS) {
        for (const match of source.matchAll(pattern)) tables.add(match[match.length - 1]!)
      }
    }
  }
  return [...tables].sort()
}

import type { CommandMetaData } from '@adonisjs/core/types/ace'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

/**
 * An ace commands loader (listed in adonisrc.ts) for the commands plugins
 * declare in their manifest: `node ace list` shows them and `node ace
 * <name>` runs them, with no edit to the core. A command module that
 * fails to import is reported by plugins:list through its plugin, and the
 * other commands keep working.
 */
type CommandClass = { commandName: string; serialize(): CommandMetaData }

const commands = new Map<string, CommandClass>()

/**
 * Plugins read the app's environment when they load. Without one (no
 * .env and no NODE_ENV: "node ace test" on a fresh clone, which sets up
 * its own environment in the test process) there is nothing to load yet.
 */
function environmentAvailable() {
  return Boolean(process.env.NODE_ENV) || existsSync(join(process.cwd(), '.env'))
}

export async function getMetaData(): Promise<CommandMetaData[]> {
  if (!environmentAvailable()) return []
  const { pluginRegistry } = await import('#services/plugins/registry')
  await pluginRegistry.load()
  const metadata: CommandMetaData[] = []
  for (const plugin of pluginRegistry.loaded()) {
    for (const importCommand of plugin.definition.commands ?? []) {
      try {
        const module = await importCommand()
        const command = module.default as CommandClass
        commands.set(command.commandName, command)
        metadata.push(command.serialize())
      } catch (error) {
        plugin.error = `a command failed to load: ${error instanceof Error ? error.message : error}`
      }
    }
  }
  return metadata
}

export async function getCommand(metadata: CommandMetaData) {
  return (commands.get(metadata.commandName) ?? null) as any
}

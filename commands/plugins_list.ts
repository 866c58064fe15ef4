import { commandErrorMessage } from '#services/command_errors'
import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import type { PluginListing } from '#actions/plugins/list_plugins'

/** Long enough to name the plugin and the field, short enough for one row. */
const ERROR_COLUMN_WIDTH = 80

export default class PluginsList extends BaseCommand {
  static commandName = 'plugins:list'
  static description =
    'List the installed plugins: version, state (loaded, needs configuration, failed, disabled), connections and last error'
  static options: CommandOptions = { startApp: true }

  @flags.boolean({ description: 'Print the list as JSON' })
  declare json?: boolean

  /**
   * A report: a plugin that failed to load is shown, in red, and the
   * command still succeeds. Only failing to read the list is an error.
   */
  async run() {
    const { default: ListPlugins } = await import('#actions/plugins/list_plugins')
    let plugins: PluginListing[]
    try {
      plugins = await new ListPlugins().execute()
    } catch (error) {
      this.logger.error(`plugins:list: ${commandErrorMessage(error)}`)
      this.exitCode = 1
      return
    }

    if (this.json) {
      // One line, so it stays easy to pick out of output that also holds log lines.
      this.logger.log(JSON.stringify(plugins))
      return
    }
    if (plugins.length === 0) {
      this.logger.info('No plugins found; "node ace make:plugin <name>" creates one')
      return
    }
    const table = this.ui
      .table()
      .head(['Id', 'Name', 'Version', 'State', 'Scope', 'Connections', 'Missing or last error'])
    for (const plugin of plugins) {
      const cells = [
        plugin.id,
        plugin.name ?? '-',
        plugin.version ?? '-',
        plugin.state,
        plugin.scope ?? '-',
        String(plugin.connections),
        plugin.needsConfiguration.length > 0
          ? `set ${plugin.needsConfiguration.map((problem) => problem.variable).join(', ')}`
          : truncate(plugin.lastError ?? '-'),
      ]
      table.row(cells.map((cell) => this.#paint(plugin.state, cell)))
    }
    table.render()
  }

  #paint(state: PluginListing['state'], cell: string) {
    if (state === 'failed') return this.colors.red(cell)
    if (state === 'needs configuration') return this.colors.yellow(cell)
    if (state === 'disabled') return this.colors.dim(cell)
    return cell
  }
}

function truncate(text: string) {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  return oneLine.length <= ERROR_COLUMN_WIDTH
    ? oneLine
    : `${oneLine.slice(0, ERROR_COLUMN_WIDTH - 1)}…`
}

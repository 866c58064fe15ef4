import { commandErrorMessage } from '#services/command_errors'
import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { checkOneOf } from '#validators/cli'

/**
 * The old "fetch_data <provider> --orgid": syncs every active connection
 * of one provider, incrementally unless --full, with progress as it goes.
 */
export default class FetchData extends BaseCommand {
  static commandName = 'fetch:data'
  static description = "Sync a provider's connections (incremental unless --full)"
  static aliases = ['fetch_data']
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Plugin id of the provider, e.g. github' })
  declare provider: string

  @flags.string({ description: 'Only this organisation (its public id)' })
  declare org?: string

  @flags.string({
    description:
      'Only this organisation: its number (as the admin area shows it), public id or slug',
  })
  declare orgid?: string

  /** --org or the old --orgid, as a public id; false (said, exit 1) when it names none */
  async #organizationPublicId(): Promise<string | undefined | false> {
    const { organizationPublicIdArgument } = await import('#services/command_arguments')
    const publicId = await organizationPublicIdArgument(this.orgid ?? this.org)
    if (publicId !== null) return publicId
    this.logger.error(
      `${this.commandName}: no organisation "${this.orgid ?? this.org}" (its number, public id or slug)`
    )
    this.exitCode = 1
    return false
  }

  @flags.boolean({ description: 'Re-read everything, ignoring cursors and cached responses' })
  declare full?: boolean

  @flags.array({ description: 'Only these sync tasks (repeat the flag for several)' })
  declare task?: string[]

  async run() {
    const { default: SyncPluginConnections } = await import('#actions/sync/sync_plugin_connections')
    const { pluginRegistry } = await import('#services/plugins/registry')
    const { findPluginArgument } = await import('#services/command_arguments')
    const plugin = findPluginArgument(pluginRegistry.loaded(), this.provider)
    if (!plugin) {
      const installed = pluginRegistry.loaded().map((loaded) => loaded.id)
      this.logger.error(
        `fetch:data: no plugin "${this.provider}" (installed: ${installed.join(', ') || 'none'})`
      )
      this.exitCode = 1
      return
    }
    if (!plugin.definition.sync?.length) {
      this.logger.error(`fetch:data: ${plugin.id} has no sync tasks`)
      this.exitCode = 1
      return
    }
    const organizationPublicId = await this.#organizationPublicId()
    if (organizationPublicId === false) return
    const taskNames = plugin.definition.sync.map((task) => task.name)
    try {
      for (const task of this.task ?? []) checkOneOf(`--task`, task, taskNames)
    } catch (error) {
      this.logger.error(`fetch:data: ${(error as Error).message}`)
      this.exitCode = 1
      return
    }

    const controller = new AbortController()
    const stop = () => controller.abort(new Error('interrupted'))
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    try {
      const reports = await new SyncPluginConnections().execute({
        pluginId: plugin.id,
        organizationPublicId,
        tasks: this.task,
        full: this.full ?? false,
        trigger: 'cli',
        signal: controller.signal,
        onProgress: (connection, progress) => {
          const total = progress.total ? `/${progress.total}` : ''
          this.logger.log(
            `${this.colors.dim(connection.publicId)} ${progress.task} ${progress.done}${total} ${progress.label}`
          )
        },
      })
      this.#report(reports)
    } catch (error) {
      this.logger.error(`fetch:data: ${commandErrorMessage(error)}`)
      this.exitCode = 1
    } finally {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
    }
  }

  #report(
    reports: Awaited<
      ReturnType<
        InstanceType<typeof import('#actions/sync/sync_plugin_connections').default>['execute']
      >
    >
  ) {
    if (reports.length === 0) {
      this.logger.warning(
        `No active ${this.provider} connection${this.org || this.orgid ? ' in that organisation' : ''}`
      )
      return
    }
    const table = this.ui.table()
    table.head([
      'Connection',
      'Organisation',
      'Task',
      'Status',
      'Written',
      'Requests',
      '304s',
      'Time',
    ])
    let failed = false
    for (const report of reports) {
      if (report.skipped) {
        table.row([
          report.connection,
          report.organization,
          '-',
          this.colors.yellow('skipped'),
          '',
          '',
          '',
          report.skipped,
        ])
        continue
      }
      for (const outcome of report.outcomes) {
        failed ||= outcome.status === 'failed'
        table.row([
          report.connection,
          report.organization,
          outcome.task,
          outcome.status === 'failed'
            ? this.colors.red(`failed: ${outcome.error}`)
            : this.colors.green('ok'),
          String(outcome.itemsWritten),
          String(outcome.requests),
          String(outcome.notModified),
          `${(outcome.durationMs / 1000).toFixed(1)}s`,
        ])
      }
    }
    table.render()
    if (failed) this.exitCode = 1
  }
}

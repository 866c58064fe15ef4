import { commandErrorMessage } from '#services/command_errors'
import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The old "download_repositories": takes a fresh snapshot of every
 * monitored repository by running each code host's snapshot task (the
 * default branch's last commit, unpacked under SNAPSHOTS_PATH).
 */
export default class DownloadRepositories extends BaseCommand {
  static commandName = 'download:repositories'
  static description = 'Download the default branch of every monitored repository'
  static aliases = ['download_repositories']
  static options: CommandOptions = { startApp: true }

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

  @flags.string({ description: 'Only this provider (plugin id, e.g. github)' })
  declare provider?: string

  async run() {
    const { default: SyncPluginConnections } = await import('#actions/sync/sync_plugin_connections')
    const { pluginRegistry } = await import('#services/plugins/registry')
    const { findPluginArgument } = await import('#services/command_arguments')
    const only = this.provider ? findPluginArgument(pluginRegistry.loaded(), this.provider) : null
    const hosts = pluginRegistry
      .loaded()
      .map((plugin) => ({
        plugin,
        tasks: (plugin.definition.sync ?? []).filter((task) => task.kind === 'snapshot'),
      }))
      .filter(({ plugin, tasks }) => tasks.length > 0 && (!this.provider || plugin.id === only?.id))
    if (hosts.length === 0) {
      this.logger.error(
        this.provider
          ? `download:repositories: "${this.provider}" is not a loaded plugin that downloads repositories`
          : 'download:repositories: no loaded plugin downloads repositories'
      )
      this.exitCode = 1
      return
    }

    const organizationPublicId = await this.#organizationPublicId()
    if (organizationPublicId === false) return

    const controller = new AbortController()
    const stop = () => controller.abort(new Error('interrupted'))
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    let connections = 0
    let failures = 0
    try {
      for (const { plugin, tasks } of hosts) {
        const reports = await new SyncPluginConnections().execute({
          pluginId: plugin.id,
          organizationPublicId,
          tasks: tasks.map((task) => task.name),
          trigger: 'cli',
          signal: controller.signal,
          onProgress: (connection, progress) => {
            const total = progress.total ? `/${progress.total}` : ''
            this.logger.log(
              `${this.colors.dim(`${plugin.id} ${connection.publicId}`)} ${progress.done}${total} ${progress.label}`
            )
          },
        })
        for (const report of reports) {
          connections++
          if (report.skipped) this.logger.warning(`${report.account}: ${report.skipped}`)
          for (const outcome of report.outcomes) {
            if (outcome.status === 'failed') {
              failures++
              this.logger.error(`${plugin.id} ${report.account}: ${outcome.error}`)
            } else {
              this.logger.success(
                `${plugin.id} ${report.account}: ${outcome.itemsWritten} snapshot(s) in ${(outcome.durationMs / 1000).toFixed(1)}s`
              )
            }
          }
        }
      }
    } catch (error) {
      this.logger.error(`download:repositories: ${commandErrorMessage(error)}`)
      this.exitCode = 1
      return
    } finally {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
    }
    if (connections === 0) this.logger.warning('No active connection downloads repositories')
    if (failures > 0) this.exitCode = 1
  }
}

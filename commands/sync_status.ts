import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { checkOneOf } from '#validators/cli'

/**
 * What is fresh and what is not: for each connection, a running sync's
 * progress, the last run's requests versus rate-limit headroom, and each
 * scope's cursor age.
 */
export default class SyncStatusCommand extends BaseCommand {
  static commandName = 'sync:status'
  static description = 'Show sync freshness, progress and request spend per connection'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Only this provider' })
  declare provider?: string

  @flags.boolean({ description: 'List every scope cursor' })
  declare scopes?: boolean

  @flags.boolean({ description: 'Print JSON' })
  declare json?: boolean

  async run() {
    const { default: SyncStatus } = await import('#actions/sync/sync_status')
    if (this.provider !== undefined) {
      const { pluginRegistry } = await import('#services/plugins/registry')
      const installed = pluginRegistry.loaded().map((loaded) => loaded.id)
      try {
        checkOneOf('--provider', this.provider, installed)
      } catch (error) {
        this.logger.error(`sync:status: ${(error as Error).message}`)
        this.exitCode = 1
        return
      }
    }
    const statuses = await new SyncStatus().execute({ pluginId: this.provider })
    if (this.json) {
      this.logger.log(JSON.stringify(statuses, null, 2))
      return
    }
    if (statuses.length === 0) {
      this.logger.info('No connections yet: connect one in Settings → Connections')
      return
    }
    const table = this.ui.table()
    table.head([
      'Connection',
      'Provider',
      'Account',
      'Organisation',
      'Now',
      'Last run',
      'Requests',
      '304s',
      'Rate limit left',
      'Scopes',
    ])
    for (const status of statuses) {
      const run = status.lastRun
      const now = status.running
        ? this.colors.cyan(
            `${status.running.task} ${status.running.done}/${status.running.total ?? '?'}`
          )
        : status.status
      table.row([
        status.connection,
        status.plugin,
        status.account,
        status.organization,
        now,
        run
          ? `${run.task} ${run.status === 'succeeded' ? this.colors.green(run.status) : this.colors.red(run.status)} ${run.finishedAt ?? ''}`
          : 'never',
        run ? String(run.requests) : '',
        run ? String(run.notModified) : '',
        run && run.rateLimitRemaining !== null
          ? `${run.rateLimitRemaining}/${run.rateLimitLimit ?? '?'}`
          : '',
        String(status.scopes.length),
      ])
    }
    table.render()
    if (this.scopes) {
      for (const status of statuses) {
        for (const scope of status.scopes) {
          this.logger.log(
            `${status.connection} ${scope.task} ${scope.scope} → ${scope.cursor} (moved ${scope.updatedAt})`
          )
        }
      }
    }
  }
}

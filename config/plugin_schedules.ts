import SyncPluginConnections from '#actions/sync/sync_plugin_connections'
import { pluginRegistry } from '#services/plugins/registry'
import type { ScheduleDefinition } from '#services/scheduler/types'

/**
 * Nightly unless the task says otherwise: the old deployment fetched
 * every provider once a day.
 */
export const DEFAULT_SYNC_SCHEDULE = '0 2 * * *'

/**
 * One schedule per plugin sync task ("fetch:<plugin>:<task>"), syncing
 * every active connection of that plugin.
 */
export function pluginSchedules(): ScheduleDefinition[] {
  return pluginRegistry.loaded().flatMap((plugin) =>
    (plugin.definition.sync ?? []).map((task) => ({
      name: `fetch:${plugin.id}:${task.name}`,
      cron: task.schedule ?? DEFAULT_SYNC_SCHEDULE,
      description: task.description ?? `Sync ${plugin.definition.name}: ${task.name}`,
      async run({ signal }) {
        const reports = await new SyncPluginConnections().execute({
          pluginId: plugin.id,
          tasks: [task.name],
          trigger: 'schedule',
          signal,
        })
        const outcomes = reports.flatMap((report) => report.outcomes)
        const failed = outcomes.filter((outcome) => outcome.status === 'failed')
        const written = outcomes.reduce((sum, outcome) => sum + outcome.itemsWritten, 0)
        const summary = `${reports.length} connection(s), ${written} item(s) written, ${failed.length} failed`
        if (failed.length > 0) {
          throw new Error(`${summary}: ${failed.map((outcome) => outcome.error).join('; ')}`)
        }
        return summary
      },
    }))
  )
}

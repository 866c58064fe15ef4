/*
|--------------------------------------------------------------------------
| Plugin schedules
|--------------------------------------------------------------------------
|
| One schedule per plugin sync task, beside the core schedules of
| config/schedules.ts. They run an action, so they live here rather than
| in app/services (services never import actions); the action is imported
| when a schedule runs, as config/schedules.ts does, so loading the config
| loads no models.
|
*/
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
        const { default: SyncPluginConnections } =
          await import('#actions/sync/sync_plugin_connections')
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

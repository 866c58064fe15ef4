import Connection from '#models/connection'
import Organization from '#models/organization'
import { pluginRegistry } from '#services/plugins/registry'
import RunSync, {
  SyncAlreadyRunningError,
  type SyncProgress,
  type SyncTaskOutcome,
} from '#actions/sync/run_sync'
import type { SyncTrigger } from '#services/sync/sync_run_recorder'

export class UnknownOrganizationError extends Error {}

export type ConnectionSyncReport = {
  connection: string
  organization: string
  account: string
  outcomes: SyncTaskOutcome[]
  skipped: string | null
}

/**
 * Syncs every active connection of a plugin, in one organisation or in
 * all: what `node ace fetch:data <provider>` and the schedules run.
 */
export default class SyncPluginConnections {
  async execute(input: {
    pluginId: string
    organizationPublicId?: string
    tasks?: string[]
    full?: boolean
    trigger: SyncTrigger
    onProgress?: (connection: Connection, progress: SyncProgress) => void
    signal?: AbortSignal
  }): Promise<ConnectionSyncReport[]> {
    const plugin = pluginRegistry.require(input.pluginId)
    const query = Connection.query()
      .where('plugin_id', plugin.id)
      .where('status', 'active')
      .preload('organization')
      .orderBy('id')
    if (input.organizationPublicId !== undefined) {
      const organization = await Organization.findByPublicId(input.organizationPublicId)
      if (!organization) {
        throw new UnknownOrganizationError(
          `No organisation has the id "${input.organizationPublicId}"`
        )
      }
      query.where('organization_id', organization.id)
    }

    const reports: ConnectionSyncReport[] = []
    for (const connection of await query) {
      const report: ConnectionSyncReport = {
        connection: connection.publicId,
        organization: connection.organization?.name ?? 'the installation',
        account: connection.displayName ?? connection.accountKey,
        outcomes: [],
        skipped: null,
      }
      try {
        report.outcomes = await new RunSync().execute({
          connection,
          tasks: input.tasks,
          full: input.full,
          trigger: input.trigger,
          signal: input.signal,
          onProgress: (progress) => input.onProgress?.(connection, progress),
        })
      } catch (error) {
        if (!(error instanceof SyncAlreadyRunningError)) throw error
        report.skipped = error.message
      }
      reports.push(report)
    }
    return reports
  }
}

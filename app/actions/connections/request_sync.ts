import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type Organization from '#models/organization'
import RunSyncJob from '#jobs/run_sync_job'
import { pluginRegistry } from '#services/plugins/registry'
import { closeAbandonedRuns } from '#services/sync/sync_run_recorder'
import { findOrganizationConnection } from '#actions/connections/connection_summaries'
import { ConnectionActionRefusedException } from '#actions/connections/test_connection'

/**
 * "Sync now": queues a sync of every task of the connection for a worker,
 * so the request answers at once and the page follows the run.
 */
export default class RequestSync {
  async execute(input: { organization: Organization; connectionPublicId: string }) {
    const connection = await findOrganizationConnection(
      input.organization.id,
      input.connectionPublicId
    )
    const plugin = pluginRegistry.get(connection.pluginId)
    if (!plugin) {
      throw new ConnectionActionRefusedException(
        `The "${connection.pluginId}" plugin is not loaded, so this connection cannot sync.`
      )
    }
    if ((plugin.definition.sync ?? []).length === 0) {
      throw new ConnectionActionRefusedException(`${plugin.definition.name} has nothing to sync.`)
    }
    if (connection.status !== 'active') {
      throw new ConnectionActionRefusedException(
        `This connection is ${connection.status}: only an active connection syncs. Test it or connect again first.`
      )
    }
    await closeAbandonedRuns(connection.id)
    const running = await db
      .from('sync_runs')
      .where('connection_id', connection.id)
      .where('status', 'running')
      .first()
    if (running) {
      throw new ConnectionActionRefusedException('A sync of this connection is already running.')
    }
    const queuedAt = DateTime.now()
    await RunSyncJob.dispatch({ connectionId: connection.id, trigger: 'button' })
    return { connection, plugin, queuedAt }
  }
}

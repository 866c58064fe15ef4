import { rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import type Organization from '#models/organization'
import Connection from '#models/connection'
import { CLI_META, recordAudit, type RequestMeta } from '#services/audit'
import { publicIds } from '#services/public_id'
import { sqlTime } from '#services/sql'
import { pluginRegistry } from '#services/plugins/registry'
import { declaredOrganizationTables } from '#services/plugins/plugin_declarations'
import { snapshotsRoot } from '#services/domain/repository_snapshots'
import type { DeletionPlan, TableCount } from '#services/organization_deletion_types'
import PurgeDeletedDocuments from '#actions/documents/purge_deleted_documents'
import RunPluginHook from '#actions/plugins/run_plugin_hook'
import {
  hasLifecycleHook,
  publishCoreEvent,
  recordLifecycleHook,
} from '#actions/plugins/queue_plugin_hook'

/**
 * What stays when an organisation's data is deleted: the organisation,
 * its people and their access, and the audit trail (it records the
 * deletion itself). The connections go through their plugins' disconnect.
 */
const KEPT_TABLES = new Set([
  'organizations',
  'memberships',
  'invites',
  'audit_events',
  'connections',
  'users',
])

/** rows deleted per statement: no long lock on PostgreSQL */
const CHUNK = 500

export type DeletionReport = DeletionPlan & {
  /** connections whose provider-side clean-up failed: kept, with Retry on their page */
  disconnectFailures: string[]
  documentsPurged: number
  documentsFailed: number
}

/**
 * The old `delete_organization_data`: disconnects every provider (each
 * plugin's onDisconnecting removes its webhooks or app installation on
 * the provider's side), deletes every row belonging to the organisation
 * in core tables and the tables plugins declare, its stored documents
 * and its repository snapshots on disk. The organisation, its users and
 * their memberships stay. It deletes in chunks and can be run again after
 * a crash: it picks up what is left.
 */
export default class DeleteOrganizationData {
  async plan(organization: Organization): Promise<DeletionPlan> {
    const tables: TableCount[] = []
    for (const { table, column } of await organizationTables()) {
      const [{ total }] = await db.from(table).where(column, organization.id).count('* as total')
      if (Number(total) > 0) tables.push({ table, rows: Number(total) })
    }
    const connections = await Connection.query().where('organization_id', organization.id)
    return {
      tables,
      connections: connections.length,
      snapshotsFolder: await existingFolder(organizationSnapshots(organization.id)),
    }
  }

  async execute(input: {
    organization: Organization
    actorId?: number | null
    meta?: RequestMeta
    onProgress?: (line: string) => void
  }): Promise<DeletionReport> {
    const { organization } = input
    const progress = input.onProgress ?? (() => {})
    const plan = await this.plan(organization)

    const disconnectFailures = await this.#disconnect(organization, progress)

    // documents: stored objects first, then rows (a failed object keeps its row)
    await db
      .from('documents')
      .where('organization_id', organization.id)
      .whereNull('deleted_at')
      .update({ deleted_at: sqlTime() })
    const purge = await new PurgeDeletedDocuments().execute({
      retentionDays: 0,
      organizationId: organization.id,
    })
    progress(`documents: ${purge.purged} purged, ${purge.failed.length} kept (storage failed)`)

    await this.#deleteRows(organization.id, progress)

    if (plan.snapshotsFolder) {
      await rm(plan.snapshotsFolder, { recursive: true, force: true })
      progress(`snapshots: ${plan.snapshotsFolder} removed`)
    }

    await recordAudit({
      event: 'organization.data_deleted',
      organizationId: organization.id,
      actorId: input.actorId ?? null,
      subject: organization.name,
      meta: input.meta ?? CLI_META,
      details: {
        tables: Object.fromEntries(plan.tables.map((count) => [count.table, count.rows])),
        connections: plan.connections,
        disconnectFailures: disconnectFailures.length,
        documentsPurged: purge.purged,
      },
    })
    await publishCoreEvent(
      'organization.data_deleted',
      { organizationPublicId: organization.publicId },
      organization.id
    )
    return {
      ...plan,
      disconnectFailures,
      documentsPurged: purge.purged,
      documentsFailed: purge.failed.length,
    }
  }

  /** each connection through its plugin's onDisconnecting, run here and now */
  async #disconnect(organization: Organization, progress: (line: string) => void) {
    const failures: string[] = []
    const connections = await Connection.query().where('organization_id', organization.id)
    for (const connection of connections) {
      const plugin = pluginRegistry.get(connection.pluginId)
      const label = `${connection.pluginId} ${connection.displayName ?? connection.accountKey}`
      if (!hasLifecycleHook(plugin, 'disconnecting', connection)) {
        await connection.delete()
        progress(`disconnected ${label}`)
        continue
      }
      const runId = await db.transaction(async (trx) => {
        await trx
          .from('connections')
          .where('id', connection.id)
          .update({ status: 'disconnecting', updated_at: sqlTime() })
        connection.status = 'disconnecting'
        return recordLifecycleHook(connection, 'disconnecting', trx)
      })
      try {
        await new RunPluginHook().execute(runId)
        progress(`disconnected ${label} (provider side cleaned up)`)
      } catch (error) {
        failures.push(`${label}: ${error instanceof Error ? error.message : String(error)}`)
        progress(`could not clean up ${label} on the provider's side: kept, with Retry on its page`)
      }
    }
    return failures
  }

  /**
   * Chunked deletes, table after table. A table whose rows are still
   * referenced by another table's rows (a foreign key without cascade) is
   * tried again after the others, until a pass deletes nothing more.
   */
  async #deleteRows(organizationId: number, progress: (line: string) => void) {
    // documents went through their purge above; one whose stored object
    // could not be removed keeps its row, so the object is not orphaned
    const tables = await organizationTables()
    let pending = tables.filter((owned) => owned.table !== 'documents')
    for (let pass = 0; pass < 5 && pending.length > 0; pass++) {
      const blocked: typeof pending = []
      for (const owned of pending) {
        try {
          const deleted = await deleteInChunks(owned.table, owned.column, organizationId)
          if (deleted > 0) progress(`${owned.table}: ${deleted} rows deleted`)
        } catch {
          blocked.push(owned)
        }
      }
      if (blocked.length === pending.length) {
        throw new Error(
          `rows of ${blocked.map((owned) => owned.table).join(', ')} could not be deleted (still referenced)`
        )
      }
      pending = blocked
    }
  }
}

/** every table holding an organisation's rows: the core's by column, the plugins' as declared */
async function organizationTables() {
  await pluginRegistry.load()
  const client = db.connection()
  const found = new Map<string, string>()
  // PostgreSQL lists tables per schema: Sextant's are in "public"
  const schemas = client.dialect.name === 'postgres' ? ['public'] : undefined
  for (const table of await client.getAllTables(schemas)) {
    if (KEPT_TABLES.has(table)) continue
    const columns = await client.columnsInfo(table)
    if ('organization_id' in columns) found.set(table, 'organization_id')
  }
  for (const owned of declaredOrganizationTables()) {
    if (!KEPT_TABLES.has(owned.table)) found.set(owned.table, owned.organizationColumn)
  }
  return [...found].map(([table, column]) => ({ table, column }))
}

async function deleteInChunks(table: string, column: string, organizationId: number) {
  const client = db.connection()
  const columns = await client.columnsInfo(table)
  if (!('id' in columns)) {
    const result = await db.from(table).where(column, organizationId).delete()
    return Number(Array.isArray(result) ? result[0] : result) || 0
  }
  let total = 0
  for (;;) {
    const ids = await db.from(table).where(column, organizationId).select('id').limit(CHUNK)
    if (ids.length === 0) return total
    await db
      .from(table)
      .whereIn(
        'id',
        ids.map((row) => row.id)
      )
      .delete()
    total += ids.length
  }
}

function organizationSnapshots(organizationId: number) {
  return join(snapshotsRoot(), publicIds('organization').encode(organizationId))
}

async function existingFolder(path: string) {
  const found = await stat(path).catch(() => null)
  return found?.isDirectory() ? path : null
}

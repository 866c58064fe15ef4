import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { pluginRegistry } from '#services/plugins/registry'
import { declaredOrganizationTables } from '#services/plugins/plugin_declarations'

export type DeletedPluginRows = { pluginId: string; table: string; deleted: number }[]

/**
 * Deletes one organisation's rows from every table the loaded plugins
 * declare as organisation-scoped (PluginDeclarations.organizationTables),
 * inside the caller's transaction: deleting an organisation's data
 * covers what plugins keep without the core naming their tables. A
 * table that does not exist (its migration has not run) is skipped.
 */
export async function deletePluginOrganizationData(
  organizationId: number,
  trx: TransactionClientContract
): Promise<DeletedPluginRows> {
  await pluginRegistry.load()
  const report: DeletedPluginRows = []
  for (const { pluginId, table, organizationColumn } of declaredOrganizationTables()) {
    if (!(await db.connection().schema.hasTable(table))) continue
    const deleted = await trx.from(table).where(organizationColumn, organizationId).delete()
    report.push({ pluginId, table, deleted: Number(Array.isArray(deleted) ? deleted[0] : deleted) })
  }
  return report
}

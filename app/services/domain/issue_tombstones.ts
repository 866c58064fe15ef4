import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { IssueInput } from '#plugin-sdk/domain'

/**
 * Tombstones of deleted issues (issue_tombstones): the moment a provider
 * deleted each one. A write of a tombstoned issue is dropped unless the
 * provider changed the issue after the deletion (its remoteUpdatedAt is
 * later: the issue was restored), which lifts the tombstone. So a
 * `jira:issue_updated` delivery handled after the `jira:issue_deleted`
 * that followed it cannot write the issue back.
 */

type Fence = { organizationId: number; provider: string }

const BATCH = 500

function millis(value: Date | string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null
  const at = value instanceof Date ? value.getTime() : Date.parse(value)
  return Number.isFinite(at) ? at : null
}

/** records (or moves later) the deletion moment of each id, in the given transaction */
export async function recordTombstones(
  trx: TransactionClientContract,
  fence: Fence,
  externalIds: string[],
  deletedAt: Date
) {
  const at = deletedAt.getTime()
  for (let start = 0; start < externalIds.length; start += BATCH) {
    const rows = externalIds.slice(start, start + BATCH).map((externalId) => ({
      organization_id: fence.organizationId,
      provider: fence.provider,
      external_id: externalId,
      deleted_at_ms: at,
    }))
    const knex = trx.getWriteClient()
    await knex('issue_tombstones')
      .insert(rows)
      .onConflict(['organization_id', 'provider', 'external_id'])
      .merge({
        deleted_at_ms: knex.raw(
          'CASE WHEN excluded.deleted_at_ms > issue_tombstones.deleted_at_ms THEN excluded.deleted_at_ms ELSE issue_tombstones.deleted_at_ms END'
        ),
      })
  }
}

/**
 * The rows that may be written: a tombstoned issue only when the provider
 * changed it after its deletion (its tombstone is then removed).
 */
export async function withoutTombstoned(fence: Fence, rows: IssueInput[]): Promise<IssueInput[]> {
  if (rows.length === 0) return rows
  const deletedAt = new Map<string, number>()
  const ids = rows.map((row) => row.externalId)
  for (let start = 0; start < ids.length; start += BATCH) {
    const found: Array<{ external_id: string; deleted_at_ms: number | string }> = await db
      .from('issue_tombstones')
      .where('organization_id', fence.organizationId)
      .where('provider', fence.provider)
      .whereIn('external_id', ids.slice(start, start + BATCH))
      .select('external_id', 'deleted_at_ms')
    for (const row of found) deletedAt.set(row.external_id, Number(row.deleted_at_ms))
  }
  if (deletedAt.size === 0) return rows
  const restored: string[] = []
  const kept = rows.filter((row) => {
    const deleted = deletedAt.get(row.externalId)
    if (deleted === undefined) return true
    const updated = millis(row.remoteUpdatedAt)
    if (updated === null || updated <= deleted) return false
    restored.push(row.externalId)
    return true
  })
  if (restored.length > 0) {
    await db
      .from('issue_tombstones')
      .where('organization_id', fence.organizationId)
      .where('provider', fence.provider)
      .whereIn('external_id', restored)
      .delete()
  }
  return kept
}

import logger from '@adonisjs/core/services/logger'

/**
 * A restore cannot come before the failure it ends: a deployment's
 * restore moment earlier than its finish (its start when it has no
 * finish) is refused as written. It is clamped to that moment, the
 * reason kept in `restore_note` and logged, so time to restore never
 * sees a negative duration. Moments are the store's UTC text, which
 * compares in time order.
 */
export function guardRestore(row: {
  externalId: string
  startedAt: string
  finishedAt: string | null
  restoredAt: string | null
}): { restoredAt: string | null; note: string | null } {
  if (row.restoredAt === null) return { restoredAt: null, note: null }
  const floor =
    row.finishedAt !== null && row.finishedAt > row.startedAt ? row.finishedAt : row.startedAt
  if (row.restoredAt >= floor) return { restoredAt: row.restoredAt, note: null }
  const which = floor === row.finishedAt ? 'finished' : 'started'
  const note = `restore reported at ${row.restoredAt} UTC, before the deployment ${which} (${floor} UTC): clamped to ${which === 'finished' ? 'its finish' : 'its start'}`
  logger.warn(
    { deployment: row.externalId, reported: row.restoredAt, clampedTo: floor },
    `Deployment ${note}`
  )
  return { restoredAt: floor, note }
}

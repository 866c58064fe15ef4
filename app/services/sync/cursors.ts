import db from '@adonisjs/lucid/services/db'
import { sqlTime } from '#services/sql'
import type { SyncCursors } from '#plugin-sdk/types'

/**
 * Per (connection, task, scope) positions that make the next run
 * incremental. A full run reads none (it starts over) but still writes
 * them, so the run after it is incremental again.
 */
export class DatabaseSyncCursors implements SyncCursors {
  constructor(
    readonly connectionId: number,
    readonly task: string,
    readonly full: boolean
  ) {}

  async get(scope: string) {
    if (this.full) return null
    const row = await db
      .from('sync_cursors')
      .where({ connection_id: this.connectionId, task: this.task, scope })
      .select('value')
      .first()
    return row ? (row.value as string) : null
  }

  async set(scope: string, value: string) {
    await db
      .connection()
      .getWriteClient()('sync_cursors')
      .insert({
        connection_id: this.connectionId,
        task: this.task,
        scope: scope.slice(0, 255),
        value,
        updated_at: sqlTime(),
      })
      .onConflict(['connection_id', 'task', 'scope'])
      .merge(['value', 'updated_at'])
  }
}

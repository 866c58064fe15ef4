import { join, resolve } from 'node:path'
import { BackupRefused, readManifest, restoreLocalFolders } from '#services/backups/backup_folders'
import {
  currentEngine,
  holdsData,
  liveCounts,
  restoreDatabase,
} from '#services/backups/database_copy'

export type RestoreReport = { tables: number; rows: number; createdAt: string }

/**
 * Restores a backup into this installation's database and local
 * folders, with the app stopped. A database that already holds users or
 * organisations is refused unless `force`. Afterwards every table's row
 * count is compared with the backup's manifest: a restore that is not
 * whole is reported, not trusted.
 */
export default class RestoreBackup {
  async execute(input: {
    source: string
    force: boolean
    onStep?: (step: string) => void
  }): Promise<RestoreReport> {
    const folder = resolve(input.source)
    const manifest = await readManifest(folder)
    const engine = currentEngine()
    if (manifest.engine !== engine) {
      throw new BackupRefused(
        `this backup is of a ${manifest.engine} database; this installation uses ${engine}`
      )
    }
    if (!input.force && (await holdsData())) {
      throw new BackupRefused(
        'the database already holds users or organisations: restore into an empty database, or pass --force to replace it'
      )
    }
    input.onStep?.('restoring the database')
    await restoreDatabase(join(folder, manifest.database))
    input.onStep?.('restoring local documents and repository snapshots')
    await restoreLocalFolders(folder, manifest)

    input.onStep?.('checking every table against the backup')
    const counts = await liveCounts()
    const different = Object.entries(manifest.tables)
      .filter(([table, rows]) => counts[table] !== rows)
      .map(([table, rows]) => `${table} (${counts[table] ?? 'missing'} rows, backup had ${rows})`)
    if (different.length > 0) {
      throw new BackupRefused(
        `the restored database differs from the backup: ${different.join(', ')}`
      )
    }
    return {
      tables: Object.keys(manifest.tables).length,
      rows: Object.values(manifest.tables).reduce((sum, count) => sum + count, 0),
      createdAt: manifest.createdAt,
    }
  }
}

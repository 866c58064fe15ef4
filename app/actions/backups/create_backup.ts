import { join } from 'node:path'
import { rm } from 'node:fs/promises'
import {
  copyLocalFolders,
  createBackupFolder,
  defaultBackupsFolder,
  pruneBackups,
  writeManifest,
} from '#services/backups/backup_folders'
import { currentEngine, databaseFileName, dumpDatabase } from '#services/backups/database_copy'

export type BackupReport = {
  folder: string
  tables: number
  rows: number
  folders: { documents: boolean; snapshots: boolean }
  pruned: string[]
}

/**
 * Takes a backup while the app runs: the database (consistent at one
 * instant), the local documents and snapshots, and a manifest of row
 * counts. A backup that fails half-way is removed, never left looking
 * whole. With `keep`, older backups beyond that many are pruned.
 */
export default class CreateBackup {
  async execute(input: {
    destination?: string
    keep?: number
    onStep?: (step: string) => void
  }): Promise<BackupReport> {
    const parent = input.destination ?? defaultBackupsFolder()
    const engine = currentEngine()
    const folder = await createBackupFolder(parent, new Date())
    try {
      input.onStep?.(`copying the ${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'} database`)
      const database = databaseFileName(engine)
      const tables = await dumpDatabase(join(folder, database))
      input.onStep?.('copying local documents and repository snapshots')
      const folders = await copyLocalFolders(folder)
      await writeManifest(folder, {
        format: 1,
        createdAt: new Date().toISOString(),
        engine,
        database,
        tables,
        folders,
      })
      const pruned = input.keep ? await pruneBackups(parent, input.keep) : []
      return {
        folder,
        tables: Object.keys(tables).length,
        rows: Object.values(tables).reduce((sum, count) => sum + count, 0),
        folders,
        pruned,
      }
    } catch (error) {
      await rm(folder, { recursive: true, force: true })
      throw error
    }
  }
}

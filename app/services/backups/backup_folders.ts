import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import app from '@adonisjs/core/services/app'
import env from '#start/env'
import documentsConfig from '#config/documents'
import { snapshotsRoot } from '#services/domain/repository_snapshots'
import type { Engine, TableCounts } from '#services/backups/database_copy'

/**
 * A backup is one folder, named by the time it was taken
 * (sextant-backup-20261206T031500Z), holding the database copy, the local
 * documents and repository snapshots (when they live on this disk), and
 * a manifest with the row count of every table.
 */
export const BACKUP_PREFIX = 'sextant-backup-'
export const MANIFEST = 'manifest.json'

export type BackupManifest = {
  format: 1
  createdAt: string
  engine: Engine
  database: string
  tables: TableCounts
  /** folders copied beside the database, relative to the backup */
  folders: { documents: boolean; snapshots: boolean }
}

export class BackupRefused extends Error {}

/** where backups go unless --to names a folder: BACKUP_PATH, else storage/backups */
export function defaultBackupsFolder() {
  const configured = env.get('BACKUP_PATH')
  if (!configured) return app.makePath('storage', 'backups')
  return isAbsolute(configured) ? configured : app.makePath(configured)
}

export function backupName(at: Date) {
  return `${BACKUP_PREFIX}${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`
}

export async function createBackupFolder(parent: string, at: Date) {
  await mkdir(parent, { recursive: true, mode: 0o700 })
  const folder = join(parent, backupName(at))
  // a backup holds every secret of the installation (sealed), and the documents
  await mkdir(folder, { mode: 0o700 })
  return folder
}

export async function writeManifest(folder: string, manifest: BackupManifest) {
  await writeFile(join(folder, MANIFEST), JSON.stringify(manifest, null, 2), { mode: 0o600 })
}

export async function readManifest(folder: string): Promise<BackupManifest> {
  let text: string
  try {
    text = await readFile(join(folder, MANIFEST), 'utf8')
  } catch {
    throw new BackupRefused(`${folder} is not a Sextant backup: it has no ${MANIFEST}`)
  }
  const manifest = JSON.parse(text) as BackupManifest
  if (manifest.format !== 1 || !manifest.engine || !manifest.tables) {
    throw new BackupRefused(`${folder}/${MANIFEST} is not a manifest this version can read`)
  }
  return manifest
}

/** the local folders a backup carries: documents on the fs disk, repository snapshots */
export function localFolders() {
  return {
    documents: documentsConfig.disk === 'fs' ? documentsConfig.location : null,
    snapshots: snapshotsRoot(),
  }
}

async function exists(path: string) {
  return stat(path).then(
    () => true,
    () => false
  )
}

/** copies the local folders into the backup; says which were there */
export async function copyLocalFolders(folder: string) {
  const sources = localFolders()
  const copied = { documents: false, snapshots: false }
  for (const name of ['documents', 'snapshots'] as const) {
    const source = sources[name]
    if (!source || !(await exists(source))) continue
    await cp(source, join(folder, name), { recursive: true, preserveTimestamps: true })
    copied[name] = true
  }
  return copied
}

/** puts the backup's folders back in place of the current ones */
export async function restoreLocalFolders(folder: string, manifest: BackupManifest) {
  const targets = localFolders()
  for (const name of ['documents', 'snapshots'] as const) {
    const target = targets[name]
    if (!manifest.folders[name] || !target) continue
    await rm(target, { recursive: true, force: true })
    await cp(join(folder, name), target, { recursive: true, preserveTimestamps: true })
  }
}

/** removes all but the `keep` newest backups of a folder; returns the names removed */
export async function pruneBackups(parent: string, keep: number) {
  const entries = await readdir(parent).catch(() => [] as string[])
  const names = entries
    .filter((name) => name.startsWith(BACKUP_PREFIX))
    .sort()
    .reverse()
  const removed = names.slice(keep)
  for (const name of removed) await rm(join(parent, name), { recursive: true, force: true })
  return removed
}

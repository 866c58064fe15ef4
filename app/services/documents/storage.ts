import { randomBytes } from 'node:crypto'
import { chmod } from 'node:fs/promises'
import { join } from 'node:path'
import drive from '@adonisjs/drive/services/main'
import logger from '@adonisjs/core/services/logger'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Disk, DriveFile } from '@adonisjs/drive'
import documentsConfig, { type DocumentDiskName } from '#config/documents'

/**
 * Every document object sits under this prefix, one folder per
 * organisation: documents/<organisation public id>/<random id>.
 */
export const DOCUMENTS_PREFIX = 'documents'

/**
 * The disk could not be reached or refused the write (S3 down, a full
 * volume). Nothing was kept: the caller answers 503 and the user retries.
 */
export class StorageUnavailable extends Error {
  constructor(cause: unknown) {
    super('The document store could not be reached; nothing was saved. Please try again.', {
      cause,
    })
  }
}

export function documentDisk(name: DocumentDiskName = documentsConfig.disk): Disk {
  return drive.use(name)
}

/**
 * Objects on the local fs disk are readable by the server's user only
 * (0600 in 0700 folders): the disk writes with the process's default
 * mode, which leaves evidence files world-readable on most systems.
 */
export async function restrictLocalObject(diskName: DocumentDiskName, key: string) {
  if (diskName !== 'fs') return
  const segments = key.split('/')
  let folder = documentsConfig.location
  await chmod(folder, 0o700)
  for (const segment of segments.slice(0, -1)) {
    folder = join(folder, segment)
    await chmod(folder, 0o700)
  }
  await chmod(join(folder, segments.at(-1)!), 0o600)
}

/**
 * A fresh object key. Never derived from the user's file name, so a name
 * such as "../../etc/passwd.pdf" cannot choose where the object lands.
 */
export function newStorageKey(organizationPublicId: string) {
  return `${DOCUMENTS_PREFIX}/${organizationPublicId}/${randomBytes(18).toString('base64url')}`
}

/**
 * Every object under documents/ on a disk, page by page.
 */
export async function* listStoredObjects(disk: Disk): AsyncGenerator<DriveFile> {
  let paginationToken: string | undefined
  do {
    const page = await disk.listAll(DOCUMENTS_PREFIX, { recursive: true, paginationToken })
    for (const object of page.objects) {
      if (object.isFile) yield object
    }
    paginationToken = page.paginationToken
  } while (paginationToken)
}

/**
 * Removes objects, reporting the keys that could not be removed instead
 * of stopping at the first failure.
 */
export async function deleteObjects(disk: Disk, keys: string[]) {
  const failed: string[] = []
  for (const key of keys) {
    try {
      await disk.delete(key)
    } catch {
      failed.push(key)
    }
  }
  return failed
}

const CLEANUP_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 16_000]

/**
 * Removes the objects of an upload that failed. When the store itself is
 * what failed, it may not take the deletion either: the keys left are
 * retried in the background for half a minute (a store that restarts is
 * cleaned up), and anything still left is logged for
 * "node ace documents:verify --fix".
 */
export async function discardObjects(disk: Disk, keys: string[]) {
  const left = await deleteObjects(disk, keys)
  if (left.length === 0) return
  void (async () => {
    let pending = left
    for (const delay of CLEANUP_DELAYS_MS) {
      await sleep(delay)
      pending = await deleteObjects(disk, pending)
      if (pending.length === 0) return
    }
    logger.warn(
      { keys: pending },
      'objects of a failed upload could not be removed; run documents:verify --fix'
    )
  })()
}

import type { MultipartFile } from '@adonisjs/core/bodyparser'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import string from '@adonisjs/core/helpers/string'
import documentsConfig, { type DocumentDiskName } from '#config/documents'
import { CONTROL_CODE } from '#validators/documents'
import type Organization from '#models/organization'
import {
  ACCEPTED_TYPES_LABEL,
  detectDocumentType,
  type DetectedType,
} from '#services/documents/content_type'
import {
  StorageUnavailable,
  discardObjects,
  documentDisk,
  restrictLocalObject,
  newStorageKey,
} from '#services/documents/storage'

/**
 * A file as the request delivered it: already on local disk (the body
 * parser's temporary file), with the name the client gave it.
 */
export type IncomingFile = { tmpPath: string; clientName: string; size: number }

export type CheckedFile = IncomingFile & { type: DetectedType; checksum: string }

export type StoredObject = { disk: DocumentDiskName; key: string; file: CheckedFile }

/**
 * An upload refused before anything was stored: 413 for size, 422 for
 * the rest. The message is shown next to the file field.
 */
export class DocumentRefused extends Error {
  constructor(
    message: string,
    readonly status: 413 | 422,
    readonly field: 'files' | 'controls' = 'files'
  ) {
    super(message)
  }
}

const MAX_CONTROLS = 20

/**
 * The control codes a document is linked to, each in the expected
 * format (the controls themselves are not stored yet).
 */
export function checkControlCodes(codes: string[] = []) {
  if (codes.length > MAX_CONTROLS) {
    throw new DocumentRefused(`Link at most ${MAX_CONTROLS} controls.`, 422, 'controls')
  }
  const invalid = codes.find((code) => code.length > 64 || !CONTROL_CODE.test(code))
  if (invalid) {
    throw new DocumentRefused(
      `"${invalid}" is not a control code; write the framework and the control, such as SOC2-CC6.1.`,
      422,
      'controls'
    )
  }
  return codes
}

function displayName(file: IncomingFile) {
  return file.clientName.split(/[/\\]/).pop() || 'The file'
}

async function sha256(path: string) {
  const hash = createHash('sha256')
  await pipeline(createReadStream(path), hash)
  return hash.digest('hex')
}

/**
 * Checks every file before any is stored, so a batch is taken whole or
 * not at all: size first (413), then what the content really is (422).
 */
export async function checkFiles(files: IncomingFile[]): Promise<CheckedFile[]> {
  if (files.length === 0) throw new DocumentRefused('Choose at least one file to upload.', 422)
  const limit = documentsConfig.maxBytes
  for (const file of files) {
    if (file.size > limit) {
      throw new DocumentRefused(
        `${displayName(file)} is ${string.bytes.format(file.size)}; documents may be at most ${string.bytes.format(limit)}. Nothing was uploaded.`,
        413
      )
    }
  }
  const checked: CheckedFile[] = []
  for (const file of files) {
    const type = await detectDocumentType(file.tmpPath, file.clientName)
    if (!type) {
      throw new DocumentRefused(
        `${displayName(file)} is not an accepted document: its content is not ${ACCEPTED_TYPES_LABEL}. Nothing was uploaded.`,
        422
      )
    }
    checked.push({ ...file, type, checksum: await sha256(file.tmpPath) })
  }
  return checked
}

/**
 * Writes the objects first; the caller then writes the rows (see
 * keepObjectsOnlyIf). When any write fails, the objects written so far,
 * and the one being written, are removed.
 */
export async function putObjects(
  organization: Organization,
  files: CheckedFile[]
): Promise<StoredObject[]> {
  const diskName = documentsConfig.disk
  const disk = documentDisk(diskName)
  const stored: StoredObject[] = []
  for (const file of files) {
    const key = newStorageKey(organization.publicId)
    try {
      await disk.putStream(key, createReadStream(file.tmpPath), {
        contentType: file.type.contentType,
        contentLength: file.size,
        visibility: 'private',
      })
      await restrictLocalObject(diskName, key)
    } catch (error) {
      await discardObjects(disk, [...stored.map((object) => object.key), key])
      throw new StorageUnavailable(error)
    }
    stored.push({ disk: diskName, key, file })
  }
  return stored
}

/**
 * Runs the row writes for objects already stored; if they fail, the
 * objects are removed so no object is left without its row.
 */
export async function keepObjectsOnlyIf<T>(stored: StoredObject[], write: () => Promise<T>) {
  try {
    return await write()
  } catch (error) {
    for (const object of stored) await discardObjects(documentDisk(object.disk), [object.key])
    throw error
  }
}

/**
 * The body parser's files as the upload actions take them.
 */
export function incomingFiles(files: MultipartFile[]): IncomingFile[] {
  return files
    .filter((file) => file.tmpPath && file.clientName)
    .map((file) => ({ tmpPath: file.tmpPath!, clientName: file.clientName, size: file.size }))
}

export type UploadError = { field: 'files' | 'controls'; message: string }

/**
 * The status and inline message of a refused upload; anything else is
 * not a refusal and is thrown on to the error handler.
 */
export function uploadRefusal(error: unknown): { status: 413 | 422 | 503; error: UploadError } {
  if (error instanceof DocumentRefused) {
    return { status: error.status, error: { field: error.field, message: error.message } }
  }
  if (error instanceof StorageUnavailable) {
    return { status: 503, error: { field: 'files', message: error.message } }
  }
  throw error
}

import { FormRefusalException } from '#exceptions/form_refusal'
import { readFile } from 'node:fs/promises'
import type { MultipartFile } from '@adonisjs/core/bodyparser'

/**
 * Reference-data files are small text tables; a few megabytes is already
 * far more than any real taxonomy or benchmark set.
 */
export const REFERENCE_UPLOAD_LIMIT = '5mb'

/** a file of the admin's upload forms, as the request delivered it */
export type IncomingUpload = { clientName: string; tmpPath: string | null; error: string | null }

/**
 * An upload refused before any import ran (no file, too large, wrong
 * extension): shown next to the form like an import error.
 */
export class UploadRefusedException extends FormRefusalException {
  static status = 422
  static code = 'E_UPLOAD_REFUSED'

  constructor(message: string) {
    super(message)
    this.name = 'UploadRefusedException'
  }
}

export function incomingUpload(file: MultipartFile): IncomingUpload
export function incomingUpload(file: MultipartFile | null): IncomingUpload | null
export function incomingUpload(file: MultipartFile | null): IncomingUpload | null {
  if (!file) return null
  return {
    clientName: file.clientName.split(/[/\\]/).pop() || 'file',
    tmpPath: file.tmpPath ?? null,
    error: file.isValid ? null : (file.errors[0]?.message ?? 'the file was not received'),
  }
}

/** the file's text, as the import actions take it, or an UploadRefusedException naming the field */
export async function uploadedText(upload: IncomingUpload | null, label: string) {
  if (!upload) throw new UploadRefusedException(`Choose ${label}.`)
  if (upload.error) throw new UploadRefusedException(`${upload.clientName}: ${upload.error}`)
  if (!upload.tmpPath)
    throw new UploadRefusedException(`${upload.clientName}: the file was not received`)
  const content = await readFile(upload.tmpPath, 'utf8')
  return { file: upload.clientName, content: content.replace(/^\uFEFF/, '') }
}

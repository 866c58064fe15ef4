import vine from '@vinejs/vine'
import type { HttpContext } from '@adonisjs/core/http'
import { Exception } from '@adonisjs/core/exceptions'
import documentsConfig from '#config/documents'

/**
 * A compliance control's code: a framework, a dash, the control
 * ("SOC2-CC6.1", "ISO27001-A.5.1", "NIST-AC-2"). Upper-cased on the way in.
 */
export const CONTROL_CODE = /^[A-Z0-9][A-Z0-9_.]{0,19}-[A-Z0-9][A-Z0-9_.-]{0,40}$/

/**
 * Control codes typed as one field, separated by commas or spaces.
 */
const controlCodes = () =>
  vine
    .string()
    .trim()
    .maxLength(1300)
    .transform((value) => [
      ...new Set(
        value
          .split(/[\s,]+/)
          .filter(Boolean)
          .map((code) => code.toUpperCase())
      ),
    ])
    .optional()

export const uploadDocumentsValidator = vine.create({
  title: vine.string().trim().maxLength(200).optional(),
  category: vine.enum(documentsConfig.categories),
  controls: controlCodes(),
})

export const documentFiltersValidator = vine.create({
  q: vine.string().trim().maxLength(100).optional(),
  category: vine.enum(documentsConfig.categories).optional(),
  control: vine.string().trim().toUpperCase().regex(CONTROL_CODE).optional(),
  page: vine.number().withoutDecimals().min(1).max(100_000).optional(),
  perPage: vine.number().withoutDecimals().min(1).max(100).optional(),
  organization: vine.string().trim().maxLength(32).optional(),
})

export const documentFileValidator = vine.create({
  disposition: vine.enum(['attachment', 'inline'] as const).optional(),
  version: vine.number().withoutDecimals().min(1).max(1_000_000).optional(),
  organization: vine.string().trim().maxLength(32).optional(),
})

export class TooManyFilesException extends Exception {
  static status = 422
  static code = 'E_TOO_MANY_FILES'
}

/**
 * The one file of a single-file upload. Two `file` parts are refused:
 * storing the first and dropping the second would say "done" about half
 * of what was sent.
 */
export function singleUploadedFile(request: HttpContext['request'], field = 'file') {
  const files = request.files(field)
  if (files.length > 1) {
    throw new TooManyFilesException(
      `Send one file in "${field}" (${files.length} were sent); upload several from the Documents page.`
    )
  }
  return files[0] ?? null
}

/** a reviewer's decision on one cited control (the document is in the URL) */
export const reviewEvidenceValidator = vine.create({
  controlCode: vine.string().trim().toUpperCase().regex(CONTROL_CODE),
  decision: vine.enum(['accept', 'reject'] as const),
  reason: vine.string().trim().maxLength(1000).optional(),
  validForDays: vine.number().withoutDecimals().min(1).max(1096).optional(),
})

import { column } from '@adonisjs/lucid/orm'
import { DocumentVersionSchema } from '#database/schema'
import type { DocumentDiskName } from '#config/documents'

/**
 * One uploaded file of a document: where its object is (disk and key,
 * never derived from the user's file name) and what it is (type found by
 * content sniffing, size, checksum, the original name as metadata).
 */
export default class DocumentVersion extends DocumentVersionSchema {
  declare disk: DocumentDiskName

  // PostgreSQL returns bigint columns as strings.
  @column({ consume: (value) => Number(value) })
  declare sizeBytes: number

  get isPreviewable() {
    return this.contentType === 'application/pdf' || this.contentType.startsWith('image/')
  }
}

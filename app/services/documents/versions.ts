import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import DocumentVersion from '#models/document_version'
import type { StoredObject } from '#services/documents/uploads'

/**
 * The row that points a document at a stored object: version 1 on
 * upload, the next number on replace. Written inside the caller's
 * transaction, after the object is safely stored.
 */
export function createVersion(
  trx: TransactionClientContract,
  input: {
    documentId: number
    organizationId: number
    version: number
    object: StoredObject
    uploadedById: number
  }
) {
  const { object } = input
  return DocumentVersion.create(
    {
      documentId: input.documentId,
      organizationId: input.organizationId,
      version: input.version,
      disk: object.disk,
      storageKey: object.key,
      // the client's name is metadata only; the column holds 255 characters
      originalName: object.file.clientName.slice(0, 255),
      contentType: object.file.type.contentType,
      sizeBytes: object.file.size,
      checksum: object.file.checksum,
      uploadedById: input.uploadedById,
    },
    { client: trx }
  )
}

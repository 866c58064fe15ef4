import { errors as lucidErrors } from '@adonisjs/lucid'
import documentsConfig from '#config/documents'
import type Organization from '#models/organization'
import DocumentVersion from '#models/document_version'
import { extensionFor } from '#services/documents/content_type'
import { contentDisposition, safeFileName } from '#services/documents/file_names'
import { StorageUnavailable, documentDisk } from '#services/documents/storage'
import type { LinkDisposition } from '#services/documents/links'
import { findOrganizationDocument } from '#actions/documents/find_document'
import type { DocumentFile } from '#services/documents/types'

/**
 * The file behind a valid signed link (the caller has checked the
 * signature against the requester's organisation). Downloads from S3 are
 * handed to the bucket through a pre-signed URL that lives a minute;
 * files on the fs disk, and previews on either disk, are streamed by the
 * app so their headers (framing, sandbox) are ours. Only PDFs and images
 * are ever shown inline; anything else downloads.
 */
export default class OpenDocumentFile {
  async execute(input: {
    organization: Organization
    documentPublicId: string
    version?: number
    disposition: LinkDisposition
  }): Promise<DocumentFile> {
    const document = await findOrganizationDocument(input.organization, input.documentPublicId)
    const version = input.version
      ? document.versions.find((candidate) => candidate.version === input.version)
      : document.currentVersion
    if (!version) throw new lucidErrors.E_ROW_NOT_FOUND(DocumentVersion)
    const inline = input.disposition === 'inline' && version.isPreviewable
    const fileName = safeFileName(version.originalName, extensionFor(version.contentType))
    const disposition = contentDisposition(inline ? 'inline' : 'attachment', fileName)
    const disk = documentDisk(version.disk)
    try {
      if (version.disk === 's3' && !inline) {
        const url = await disk.getSignedUrl(version.storageKey, {
          expiresIn: documentsConfig.storageLinkTtl,
          contentType: version.contentType,
          contentDisposition: disposition,
        })
        return { kind: 'redirect', url }
      }
      const stream = await disk.getStream(version.storageKey)
      return {
        kind: 'stream',
        stream,
        contentType: version.contentType,
        contentLength: version.sizeBytes,
        contentDisposition: disposition,
        inline,
      }
    } catch (error) {
      throw new StorageUnavailable(error)
    }
  }
}

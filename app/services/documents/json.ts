import type Document from '#models/document'
import type DocumentVersion from '#models/document_version'

/**
 * A document as the API shows it: public ids only, the file's metadata
 * and signed links that expire (DOCUMENTS_LINK_TTL).
 */
export function documentJson(item: {
  document: Document
  version: DocumentVersion
  downloadUrl: string
  previewUrl: string | null
}) {
  const { document, version } = item
  return {
    id: document.publicId,
    title: document.title,
    category: document.category,
    controls: document.controlCodes,
    createdAt: document.createdAt.toISO(),
    updatedAt: document.updatedAt.toISO(),
    currentVersion: {
      version: version.version,
      originalName: version.originalName,
      contentType: version.contentType,
      sizeBytes: version.sizeBytes,
      sha256: version.checksum,
      uploadedAt: version.createdAt.toISO(),
    },
    versionCount: document.versions.length,
    downloadUrl: item.downloadUrl,
    previewUrl: item.previewUrl,
  }
}

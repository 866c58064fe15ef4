import type Organization from '#models/organization'
import { documentFileLink } from '#services/documents/links'
import { findOrganizationDocument } from '#actions/documents/find_document'

/**
 * One document with every version, each with its signed download link,
 * and a preview link for the current version when it is a PDF or image.
 */
export default class ShowDocument {
  async execute(input: { organization: Organization; documentPublicId: string }) {
    const { organization } = input
    const document = await findOrganizationDocument(organization, input.documentPublicId)
    const current = document.currentVersion!
    return {
      document,
      current,
      previewUrl: current.isPreviewable
        ? documentFileLink({ organization, document, disposition: 'inline' })
        : null,
      versions: document.versions.map((version) => ({
        version,
        downloadUrl: documentFileLink({
          organization,
          document,
          disposition: 'attachment',
          version: version.version,
        }),
      })),
    }
  }
}

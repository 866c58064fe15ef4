import db from '@adonisjs/lucid/services/db'
import Document from '#models/document'
import type Organization from '#models/organization'
import type { DocumentCategory } from '#config/documents'
import { containsPattern } from '#services/sql'
import { documentFileLink } from '#services/documents/links'

export type DocumentFilters = {
  q?: string
  category?: DocumentCategory
  control?: string
  page?: number
  perPage?: number
}

/**
 * The organisation's live documents, newest change first, searched by
 * title or original file name and filtered by category and control.
 * Each comes with fresh signed links (download, and preview for PDFs
 * and images); "api" makes them absolute links to the API's route.
 */
export default class ListDocuments {
  async execute(input: {
    organization: Organization
    filters: DocumentFilters
    api?: { origin: string }
  }) {
    const { organization, filters } = input
    const query = Document.query()
      .where('organization_id', organization.id)
      .whereNull('deleted_at')
      .preload('versions', (versions) => versions.orderBy('version', 'desc'))
      .preload('controlLinks')
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
    const pattern = containsPattern(filters.q)
    if (pattern) {
      query.where((where) => {
        where.whereRaw(`LOWER(title) LIKE ? ESCAPE '!'`, [pattern]).orWhereExists((versions) => {
          versions
            .from('document_versions')
            .whereColumn('document_versions.document_id', 'documents.id')
            .whereRaw(`LOWER(document_versions.original_name) LIKE ? ESCAPE '!'`, [pattern])
        })
      })
    }
    if (filters.category) query.where('category', filters.category)
    if (filters.control) {
      query.whereExists((links) => {
        links
          .from('document_control_links')
          .whereColumn('document_control_links.document_id', 'documents.id')
          .where('document_control_links.control_code', filters.control!)
      })
    }
    const documents = await query.paginate(filters.page ?? 1, filters.perPage ?? 25)
    const items = documents.all().map((document) => ({
      document,
      version: document.currentVersion!,
      downloadUrl: documentFileLink({
        organization,
        document,
        disposition: 'attachment',
        api: input.api,
      }),
      previewUrl: document.currentVersion?.isPreviewable
        ? documentFileLink({ organization, document, disposition: 'inline', api: input.api })
        : null,
    }))
    return { documents, items, controlCodes: await this.#controlCodesInUse(organization) }
  }

  /**
   * Every control code the organisation's live documents cite, for the
   * filter.
   */
  async #controlCodesInUse(organization: Organization) {
    const rows: { control_code: string }[] = await db
      .from('document_control_links')
      .join('documents', 'documents.id', 'document_control_links.document_id')
      .where('documents.organization_id', organization.id)
      .whereNull('documents.deleted_at')
      .distinct('document_control_links.control_code')
      .orderBy('document_control_links.control_code')
    return rows.map((row) => row.control_code)
  }
}

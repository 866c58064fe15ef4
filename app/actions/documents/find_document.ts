import Document from '#models/document'
import type Organization from '#models/organization'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'

/**
 * A live (not deleted) document of the organisation, with its versions
 * newest first and its control links. Another organisation's document,
 * or a deleted one, is "not found" (404), never "forbidden".
 */
export async function findOrganizationDocument(
  organization: Organization,
  documentPublicId: unknown,
  client?: TransactionClientContract
) {
  const id = Document.keyFromPublicId(documentPublicId) ?? 0
  return Document.query({ client })
    .where('id', id)
    .where('organization_id', organization.id)
    .whereNull('deleted_at')
    .preload('versions', (versions) => versions.orderBy('version', 'desc'))
    .preload('controlLinks', (links) => links.preload('reviewer'))
    .firstOrFail()
}

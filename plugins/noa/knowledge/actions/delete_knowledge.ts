import { forgetKnowledgeAnswers } from '../answer_cache.js'
import KnowledgeEntry from '../knowledge_entry.js'

/**
 * Removes one entry, or every entry of a document, from the
 * organisation's base. Returns how many were deleted: 0 when the entry or
 * document is not this organisation's.
 */
export default class DeleteKnowledge {
  async execute(
    input: { organizationId: number } & ({ entryPublicId: string } | { documentTitle: string })
  ): Promise<number> {
    const query = KnowledgeEntry.query().where('organization_id', input.organizationId)
    if ('entryPublicId' in input) {
      const id = KnowledgeEntry.keyFromPublicId(input.entryPublicId)
      if (id === null) return 0
      query.where('id', id)
    } else {
      query.where('document_title', input.documentTitle)
    }
    // drivers report the count as a number or as a one-element array
    const result: unknown = await query.delete()
    const deleted = Number(Array.isArray(result) ? result[0] : result) || 0
    if (deleted > 0) await forgetKnowledgeAnswers(input.organizationId)
    return deleted
  }
}

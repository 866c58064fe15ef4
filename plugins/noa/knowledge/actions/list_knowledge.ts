import { containsPattern } from '#plugin-sdk'
import KnowledgeEntry from '../knowledge_entry.js'

export type KnowledgeFilters = {
  search?: string
  document?: string
  page?: number
  perPage?: number
}

/**
 * A page of the organisation's entries, by document title then age,
 * optionally narrowed to one document or to a text found in the title,
 * the question or the answer.
 */
export default class ListKnowledge {
  async execute(input: { organizationId: number; filters: KnowledgeFilters }) {
    const { filters } = input
    const pattern = containsPattern(filters.search)
    const query = KnowledgeEntry.query()
      .where('organization_id', input.organizationId)
      .orderBy('document_title')
      .orderBy('id')
    if (filters.document) query.where('document_title', filters.document)
    if (pattern) {
      query.where((scope) => {
        for (const column of ['document_title', 'question', 'answer']) {
          scope.orWhereRaw(`LOWER(${column}) LIKE ? ESCAPE '!'`, [pattern])
        }
      })
    }
    return query.paginate(filters.page ?? 1, filters.perPage ?? 25)
  }
}

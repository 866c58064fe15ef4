import Organization from '#models/organization'
import { containsPattern } from '#services/sql'

export type ListOrganizationsInput = { search?: string | null; page?: number; perPage?: number }

/**
 * Organisations in name order, optionally filtered by a case-insensitive
 * search on name or slug, one page at a time.
 */
export default class ListOrganizations {
  async execute({ search, page = 1, perPage = 20 }: ListOrganizationsInput) {
    const query = Organization.query().orderBy('name', 'asc').orderBy('id', 'asc')
    const pattern = containsPattern(search)
    if (pattern) {
      query.where((where) => {
        where
          .whereRaw(`LOWER(name) LIKE ? ESCAPE '!'`, [pattern])
          .orWhereRaw(`LOWER(slug) LIKE ? ESCAPE '!'`, [pattern])
      })
    }
    return query.paginate(Math.max(1, page), perPage)
  }
}

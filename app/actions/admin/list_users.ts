import User from '#models/user'
import { containsPattern } from '#services/sql'

/**
 * Every account, for superusers, with a search on email and name.
 */
export default class ListUsers {
  async execute({ search, page = 1 }: { search?: string | null; page?: number }) {
    const query = User.query()
      .withCount('mfaFactors', (factors) => factors.whereNotNull('confirmed_at'))
      .orderBy('email', 'asc')
    const pattern = containsPattern(search)
    if (pattern) {
      query.where((where) => {
        where
          .whereRaw(`LOWER(email) LIKE ? ESCAPE '!'`, [pattern])
          .orWhereRaw(`LOWER(COALESCE(full_name, '')) LIKE ? ESCAPE '!'`, [pattern])
      })
    }
    return query.paginate(Number.isFinite(page) && page > 0 ? page : 1, 50)
  }
}

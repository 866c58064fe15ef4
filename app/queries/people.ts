import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'
import { containsPattern } from '#services/sql'

const personIds = publicIds('person')
const identityIds = publicIds('contributor')

export type PersonIdentity = {
  publicId: string
  provider: string
  login: string
  email: string | null
  emailVerified: boolean
  manual: boolean
}

export type PersonSummary = {
  publicId: string
  displayName: string
  email: string | null
  identities: PersonIdentity[]
}

export const PEOPLE_PAGE_LIMIT = 200

/**
 * The organisation's people with the provider identities they own, by
 * name, filtered by a name, login or email fragment.
 */
export async function listPeople(
  organizationId: number,
  options: { search?: string | null } = {}
): Promise<PersonSummary[]> {
  const pattern = containsPattern(options.search)
  const query = db
    .from('people')
    .where('people.organization_id', organizationId)
    .select('people.id', 'people.display_name', 'people.email')
    .orderBy('people.display_name')
    .orderBy('people.id')
    .limit(PEOPLE_PAGE_LIMIT)
  if (pattern) {
    query.where((inner) => {
      inner
        .whereRaw(`LOWER(people.display_name) LIKE ? ESCAPE '!'`, [pattern])
        .orWhereRaw(`LOWER(people.email) LIKE ? ESCAPE '!'`, [pattern])
        .orWhereExists((identities) => {
          identities
            .from('contributors')
            .whereColumn('contributors.person_id', 'people.id')
            .whereRaw(`LOWER(contributors.login) LIKE ? ESCAPE '!'`, [pattern])
            .select('contributors.id')
        })
    })
  }
  const people = await query
  const ids = people.map((row) => row.id as number)
  const identities = ids.length
    ? await db
        .from('contributors')
        .where('organization_id', organizationId)
        .whereIn('person_id', ids)
        .select('id', 'person_id', 'provider', 'login', 'email', 'email_verified', 'person_source')
        .orderBy('provider')
        .orderBy('login')
    : []
  const byPerson = new Map<number, PersonIdentity[]>()
  for (const row of identities) {
    const list = byPerson.get(row.person_id) ?? []
    list.push({
      publicId: identityIds.encode(row.id),
      provider: row.provider,
      login: row.login,
      email: row.email,
      emailVerified: Boolean(row.email_verified),
      manual: row.person_source === 'manual',
    })
    byPerson.set(row.person_id, list)
  }
  return people.map((row) => ({
    publicId: personIds.encode(row.id),
    displayName: row.display_name,
    email: row.email,
    identities: byPerson.get(row.id) ?? [],
  }))
}

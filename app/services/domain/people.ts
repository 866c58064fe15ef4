import db from '@adonisjs/lucid/services/db'
import { containsPattern, insertedId, sqlTime } from '#services/sql'
import { normalisedEmail } from '#plugin-sdk/identity'

/**
 * People own provider identities (contributors): the same engineer is a
 * GitHub login, an Azure identity, a Bitbucket account and a Jira user.
 * After a plugin writes identities, each is matched to a person:
 *
 * 1. an explicit link the provider gave (either direction): the linked
 *    identity's person;
 * 2. a verified email: the person who holds that email;
 * 3. otherwise a person of its own.
 *
 * Identities an admin merged or split (person_source 'manual') are left
 * where the admin put them.
 */

type IdentityRow = {
  id: number
  provider: string
  external_id: string
  login: string
  name: string | null
  email: string | null
  email_verified: boolean | number
  person_id: number | null
  linked_identities: string | null
}

function verifiedEmail(row: IdentityRow) {
  return row.email_verified ? normalisedEmail(row.email) : null
}

function links(row: IdentityRow): string[] {
  if (!row.linked_identities) return []
  try {
    const parsed = JSON.parse(row.linked_identities) as unknown
    return Array.isArray(parsed) ? parsed.filter((link) => typeof link === 'string') : []
  } catch {
    return []
  }
}

function changed(result: unknown) {
  return Number(Array.isArray(result) ? result[0] : result)
}

/** The person of an identity linked to this one, in either direction. */
async function linkedPerson(organizationId: number, row: IdentityRow): Promise<number | null> {
  const forward = links(row)
  for (const link of forward) {
    const [provider, ...rest] = link.split(':')
    const other = await db
      .from('contributors')
      .where('organization_id', organizationId)
      .where('provider', provider)
      .where('external_id', rest.join(':'))
      .whereNotNull('person_id')
      .select('person_id')
      .first()
    if (other) return other.person_id
  }
  const pattern = containsPattern(JSON.stringify(`${row.provider}:${row.external_id}`))
  const backward = await db
    .from('contributors')
    .where('organization_id', organizationId)
    .whereNot('id', row.id)
    .whereNotNull('person_id')
    .whereRaw(`LOWER(linked_identities) LIKE ? ESCAPE '!'`, [pattern ?? ''])
    .select('person_id')
    .first()
  return backward?.person_id ?? null
}

async function personByEmail(organizationId: number, email: string): Promise<number | null> {
  const row = await db
    .from('people')
    .where('organization_id', organizationId)
    .where('email', email)
    .select('id')
    .first()
  return row?.id ?? null
}

/** A new person for an identity; one holding the same email (written meanwhile) is reused. */
async function createPerson(organizationId: number, row: IdentityRow, email: string | null) {
  const now = sqlTime()
  const inserted = await db
    .knexQuery()
    .table('people')
    .insert({
      organization_id: organizationId,
      display_name: (row.name || row.login).slice(0, 255),
      email,
      created_at: now,
      updated_at: now,
    })
    .onConflict(['organization_id', 'email'])
    .ignore()
    .returning('id')
  return insertedId(inserted) ?? (email ? await personByEmail(organizationId, email) : null)
}

/** People nobody is any more (their last identity moved away) go. */
export async function dropEmptyPeople(organizationId: number, personIds: number[]) {
  const ids = personIds.filter(Boolean)
  if (ids.length === 0) return
  await db
    .from('people')
    .where('organization_id', organizationId)
    .whereIn('id', ids)
    .whereNotExists((query) => {
      query.from('contributors').whereColumn('contributors.person_id', 'people.id').select('id')
    })
    .delete()
}

/**
 * Matches the identities just written (one provider's external ids) to
 * people. Returns how many identities changed person.
 */
export async function assignPeople(
  fence: { organizationId: number; provider: string },
  externalIds: string[]
) {
  const organizationId = fence.organizationId
  const rows: IdentityRow[] = []
  for (let start = 0; start < externalIds.length; start += 500) {
    rows.push(
      ...(await db
        .from('contributors')
        .where('organization_id', organizationId)
        .where('provider', fence.provider)
        .whereIn('external_id', externalIds.slice(start, start + 500))
        .where('person_source', 'automatic')
        .select(
          'id',
          'provider',
          'external_id',
          'login',
          'name',
          'email',
          'email_verified',
          'person_id',
          'linked_identities'
        ))
    )
  }
  let moved = 0
  for (const row of rows) {
    const email = verifiedEmail(row)
    // an identity that has its person and nothing to match on stays (the common re-sync)
    if (row.person_id && !email && links(row).length === 0) continue
    const target =
      (await linkedPerson(organizationId, row)) ??
      (email ? await personByEmail(organizationId, email) : null)
    if (target && target !== row.person_id) {
      const result = await db
        .from('contributors')
        .where('id', row.id)
        .where('person_source', 'automatic')
        .update({ person_id: target, updated_at: sqlTime() })
      if (changed(result) > 0) moved += 1
      if (row.person_id) await dropEmptyPeople(organizationId, [row.person_id])
      continue
    }
    if (row.person_id) {
      // the first verified email an identity shows claims its person for that email
      if (email && !target) {
        try {
          await db
            .from('people')
            .where('id', row.person_id)
            .whereNull('email')
            .update({ email, updated_at: sqlTime() })
        } catch {
          // a concurrent batch gave the email to another person: the next write matches it
        }
      }
      continue
    }
    const person = await createPerson(organizationId, row, email)
    if (!person) continue
    // a concurrent batch may have given it a person first: that one stands
    const result = await db
      .from('contributors')
      .where('id', row.id)
      .whereNull('person_id')
      .update({ person_id: person, updated_at: sqlTime() })
    if (changed(result) > 0) moved += 1
    else await dropEmptyPeople(organizationId, [person])
  }
  return moved
}

import { db, marketingContacts, sqlTime, type MarketingContact } from '#plugin-sdk'

/**
 * Addresses changed in Mailchimp (its `upemail` webhook): the member
 * stays one member under its new address, and Sextant keeps reaching it
 * there (mailchimp_member_addresses, by the person's public id) rather
 * than subscribing the old address again.
 */
const TABLE = 'mailchimp_member_addresses'

const normalised = (email: string) => email.trim().toLowerCase()

/** the address Mailchimp holds for each person, where it is not their Sextant email */
export async function memberAddresses(publicIds: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  for (let start = 0; start < publicIds.length; start += 500) {
    const rows = await db
      .from(TABLE)
      .whereIn('user_public_id', publicIds.slice(start, start + 500))
      .select('user_public_id', 'email')
    for (const row of rows) found.set(String(row.user_public_id), String(row.email))
  }
  return found
}

/** where Mailchimp holds this person: the changed address, else their email */
export async function memberAddressOf(contact: Pick<MarketingContact, 'publicId' | 'email'>) {
  const row = await db.from(TABLE).where('user_public_id', contact.publicId).first()
  return row ? String(row.email) : contact.email
}

export async function forgetMemberAddress(publicId: string) {
  await db.from(TABLE).where('user_public_id', publicId).delete()
}

/**
 * The Sextant email of whoever Mailchimp knows by this address (for an
 * unsubscribe or a cleaned address under a changed address); the address
 * itself otherwise.
 */
export async function sextantEmailFor(address: string): Promise<string> {
  const row = await db.from(TABLE).where('email', normalised(address)).first()
  if (!row) return address
  const contact = await marketingContacts.find(String(row.user_public_id))
  return contact?.email ?? address
}

/**
 * `upemail`: the member at `oldEmail` is now at `newEmail`. Returns
 * whether it was one of Sextant's people (anyone else is not ours to
 * track).
 */
export async function recordAddressChange(oldEmail: string, newEmail: string): Promise<boolean> {
  const previous = normalised(oldEmail)
  const next = normalised(newEmail)
  const known = await db.from(TABLE).where('email', previous).first()
  const contact = known
    ? await marketingContacts.find(String(known.user_public_id))
    : await marketingContacts.findByEmail(previous)
  if (!contact) return false
  await db.transaction(async (trx) => {
    await trx.from(TABLE).where('user_public_id', contact.publicId).delete()
    // back to the Sextant email: nothing to remember
    if (next === normalised(contact.email)) return
    const now = sqlTime()
    await trx
      .table(TABLE)
      .insert({ user_public_id: contact.publicId, email: next, created_at: now, updated_at: now })
  })
  return true
}

import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'
import { sqlTime } from '#services/sql'

/**
 * People as a marketing plugin sees them (Mailchimp's audience): only
 * what their merge fields carry, by public id, with their consent to
 * product emails. A plugin reads and withdraws consent through this
 * module (`marketingContacts` in #plugin-sdk), never through the models.
 */
export type MarketingContact = {
  publicId: string
  email: string
  firstName: string
  lastName: string
  /** the first organisation they joined, and their role there */
  organization: string | null
  role: string | null
  signedUpAt: string
  lastSignInAt: string | null
  mfaEnrolled: boolean
  /** opted in (the unchecked box was checked) and not withdrawn since */
  consent: boolean
}

export type ConsentWithdrawal = {
  email: string
  /** who withdrew it, in a word: "mailchimp-webhook", "mailchimp-sync", "user" */
  source: string
}

/** SQLite hands timestamps back as text, PostgreSQL as Date */
function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString()
  const text = String(value)
  const parsed = new Date(text.includes('T') ? text : `${text.replace(' ', 'T')}Z`)
  return Number.isNaN(parsed.getTime()) ? null : parsed.toISOString()
}

type UserRow = Record<string, any>

// Read with the query builder, not the User model: this module loads with
// the plugins, before the services the model needs exist.
async function toContacts(users: UserRow[]): Promise<MarketingContact[]> {
  if (users.length === 0) return []
  const ids = users.map((user) => Number(user.id))
  const memberships = await db
    .from('memberships')
    .join('organizations', 'organizations.id', 'memberships.organization_id')
    .whereIn('memberships.user_id', ids)
    .orderBy('memberships.id', 'asc')
    .select('memberships.user_id', 'memberships.role', 'organizations.name')
  const factors = await db
    .from('mfa_factors')
    .whereIn('user_id', ids)
    .whereNotNull('confirmed_at')
    .distinct('user_id')
  const enrolled = new Set(factors.map((row) => Number(row.user_id)))
  const firstMembership = new Map<number, { role: string; name: string }>()
  for (const row of memberships) {
    if (!firstMembership.has(Number(row.user_id))) {
      firstMembership.set(Number(row.user_id), { role: row.role, name: row.name })
    }
  }
  return users.map((user) => {
    const id = Number(user.id)
    const [firstName, ...rest] = String(user.full_name ?? '')
      .trim()
      .split(/\s+/)
    const membership = firstMembership.get(id)
    return {
      publicId: publicIds('user').encode(id),
      email: String(user.email),
      firstName: firstName ?? '',
      lastName: rest.join(' '),
      organization: membership?.name ?? null,
      role: membership?.role ?? null,
      signedUpAt: iso(user.created_at) ?? '',
      lastSignInAt: iso(user.last_sign_in_at),
      mfaEnrolled: enrolled.has(id),
      consent: user.marketing_consent_at !== null && user.marketing_consent_withdrawn_at === null,
    }
  })
}

export const marketingContacts = {
  /** one person by public id (null when they no longer exist) */
  async find(publicId: string): Promise<MarketingContact | null> {
    const id = publicIds('user').decode(publicId)
    if (id === null) return null
    const user = await db.from('users').where('id', id).first()
    if (!user) return null
    const [contact] = await toContacts([user])
    return contact ?? null
  },

  /** one person by email, case-insensitively (null when nobody has it) */
  async findByEmail(email: string): Promise<MarketingContact | null> {
    const user = await db
      .from('users')
      .whereRaw('lower(email) = ?', [email.trim().toLowerCase()])
      .first()
    if (!user) return null
    const [contact] = await toContacts([user])
    return contact ?? null
  },

  /** every person who consents, in pages of `pageSize`, oldest first */
  async *consenting(pageSize = 500): AsyncGenerator<MarketingContact[]> {
    let afterId = 0
    for (;;) {
      const users = await db
        .from('users')
        .whereNotNull('marketing_consent_at')
        .whereNull('marketing_consent_withdrawn_at')
        .where('id', '>', afterId)
        .orderBy('id', 'asc')
        .limit(pageSize)
      if (users.length === 0) return
      afterId = Number(users[users.length - 1].id)
      yield await toContacts(users)
    }
  },

  /**
   * Turns consent off for whoever has this address (case-insensitive):
   * they are never subscribed again until they opt in anew. Returns
   * whether someone's consent was on.
   */
  async withdraw(withdrawal: ConsentWithdrawal): Promise<boolean> {
    const changed = await db
      .from('users')
      .whereRaw('lower(email) = ?', [withdrawal.email.trim().toLowerCase()])
      .whereNotNull('marketing_consent_at')
      .whereNull('marketing_consent_withdrawn_at')
      .update({
        marketing_consent_withdrawn_at: sqlTime(),
        marketing_consent_withdrawn_by: withdrawal.source.slice(0, 32),
      })
    return Number(Array.isArray(changed) ? changed[0] : changed) > 0
  },
}

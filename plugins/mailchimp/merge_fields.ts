import type { MarketingContact } from '#plugin-sdk'

/**
 * The merge fields Sextant keeps on each member. Adding one is one entry
 * here and a re-run of `node ace create:mailchimp-audience`, which
 * creates only what the audience lacks. Tags are at most 10 upper-case
 * characters (Mailchimp's rule).
 */
export type MergeField = {
  tag: string
  name: string
  type: 'text' | 'date'
  value: (contact: MarketingContact) => string
}

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '')

export const MERGE_FIELDS: MergeField[] = [
  { tag: 'FNAME', name: 'First Name', type: 'text', value: (c) => c.firstName },
  { tag: 'LNAME', name: 'Last Name', type: 'text', value: (c) => c.lastName },
  { tag: 'ORG', name: 'Organisation', type: 'text', value: (c) => c.organization ?? '' },
  { tag: 'ROLE', name: 'Role', type: 'text', value: (c) => c.role ?? '' },
  { tag: 'SIGNUP', name: 'Sign-up date', type: 'date', value: (c) => day(c.signedUpAt) },
  { tag: 'LASTLOGIN', name: 'Last sign-in', type: 'date', value: (c) => day(c.lastSignInAt) },
  { tag: 'MFA', name: 'MFA enrolled', type: 'text', value: (c) => (c.mfaEnrolled ? 'yes' : 'no') },
]

export function mergeValues(contact: MarketingContact): Record<string, string> {
  return Object.fromEntries(MERGE_FIELDS.map((field) => [field.tag, field.value(contact)]))
}

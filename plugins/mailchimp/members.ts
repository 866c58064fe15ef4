import type { MarketingContact } from '#plugin-sdk'
import { statusOf, subscriberHash, withRetries, type MailchimpClient } from './client.js'
import { mergeValues } from './merge_fields.js'
import { forgetMemberAddress, memberAddressOf } from './addresses.js'

/** the body of a member's upsert: subscribed if new, the merge fields always */
export function memberBody(contact: MarketingContact, address: string = contact.email) {
  return {
    email_address: address,
    status_if_new: 'subscribed',
    merge_fields: mergeValues(contact),
  }
}

/**
 * One member's upsert: PUT /lists/{id}/members/{subscriber_hash}. A new
 * address is subscribed (`status_if_new`); an existing member keeps the
 * status Mailchimp holds, so someone who unsubscribed there is never
 * subscribed again by Sextant. `previousEmail` updates the member in
 * place when the address changed (PUT by the old hash with the new
 * email_address), so no second member appears.
 */
export async function upsertMember(
  client: MailchimpClient,
  audienceId: string,
  contact: MarketingContact,
  previousEmail?: string
) {
  // where Mailchimp holds the member: an address changed there (upemail) wins over Sextant's
  const held = await memberAddressOf(contact)
  if (previousEmail) {
    // the email changed in Sextant, after any change in Mailchimp: Sextant's address wins, in place
    const hash = subscriberHash(held !== contact.email ? held : previousEmail)
    const member = await withRetries(() =>
      client.lists.setListMember(audienceId, hash, memberBody(contact))
    )
    await forgetMemberAddress(contact.publicId)
    return member
  }
  return withRetries(() =>
    client.lists.setListMember(audienceId, subscriberHash(held), memberBody(contact, held))
  )
}

/** "Delete permanently" (an erasure): the address cannot be re-imported. 404 is already gone. */
export async function deleteMemberPermanently(
  client: MailchimpClient,
  audienceId: string,
  email: string
) {
  try {
    await withRetries(() =>
      client.lists.deleteListMemberPermanent(audienceId, subscriberHash(email))
    )
  } catch (error) {
    if (statusOf(error) !== 404) throw error
  }
}

/**
 * Consent was withdrawn in Sextant: the member is unsubscribed (not
 * deleted: Mailchimp keeps the record of the withdrawal). 404: never
 * subscribed.
 */
export async function unsubscribeMember(
  client: MailchimpClient,
  audienceId: string,
  email: string
) {
  try {
    await withRetries(() =>
      client.lists.updateListMember(audienceId, subscriberHash(email), { status: 'unsubscribed' })
    )
  } catch (error) {
    if (statusOf(error) !== 404) throw error
  }
}

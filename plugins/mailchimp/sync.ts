import { marketingContacts, type SyncContext } from '#plugin-sdk'
import { describe, inPool, mailchimpClient, statusOf, withRetries } from './client.js'
import { upsertMember } from './members.js'
import { accountOf } from './settings.js'

const CONCURRENCY = 5
const PAGE = 500

/**
 * The daily reconcile. First what Mailchimp knows: every unsubscribed and
 * cleaned member (offset/count/total_items pages) has their consent
 * turned off in Sextant. Then every consenting user is upserted by
 * subscriber hash with `status_if_new`, five at a time (Mailchimp allows
 * ten connections per key), waiting out 429s. A member Mailchimp refuses
 * (an invalid address) is reported, never fatal.
 */
export async function syncAudience(context: SyncContext) {
  const account = accountOf(context.connection)
  if (!account.audienceId) throw new Error('No audience id is configured')
  const audienceId = account.audienceId
  const client = mailchimpClient(account)

  let withdrawn = 0
  for (const status of ['unsubscribed', 'cleaned']) {
    for (let offset = 0; ; offset += PAGE) {
      const page = await withRetries(() =>
        client.lists.getListMembersInfo(audienceId, {
          status,
          offset,
          count: PAGE,
          fields: ['members.email_address', 'total_items'],
        })
      )
      const members = (page.members ?? []) as Array<{ email_address: string }>
      for (const member of members) {
        if (
          await marketingContacts.withdraw({
            email: member.email_address,
            source: 'mailchimp-sync',
          })
        ) {
          withdrawn++
        }
      }
      if (members.length === 0 || offset + PAGE >= Number(page.total_items ?? 0)) break
    }
  }

  let upserted = 0
  const refused: string[] = []
  for await (const contacts of marketingContacts.consenting(PAGE)) {
    if (context.signal.aborted) throw new Error('The sync was interrupted')
    await inPool(contacts, CONCURRENCY, async (contact) => {
      try {
        await upsertMember(client, audienceId, contact)
        upserted++
      } catch (error) {
        const status = statusOf(error)
        if (
          status === null ||
          status >= 500 ||
          status === 429 ||
          status === 401 ||
          status === 403
        ) {
          throw error
        }
        refused.push(`${contact.email}: ${describe(error)}`)
      }
    })
    await context.progress(upserted + refused.length, null, 'members upserted')
  }
  for (const line of refused) context.logger.warn(`Mailchimp refused a member: ${line}`)
  const summary = `${upserted} member(s) upserted, ${withdrawn} consent(s) withdrawn, ${refused.length} refused`
  await context.progress(
    upserted + refused.length,
    upserted + refused.length,
    summary.slice(0, 255)
  )
  if (refused.length > 0) {
    await context.connection.update({
      config: { lastRefused: refused.slice(0, 20), lastRefusedCount: refused.length },
    })
  }
}

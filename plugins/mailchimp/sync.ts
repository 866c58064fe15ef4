import { marketingContacts, type MarketingContact, type SyncContext } from '#plugin-sdk'
import {
  describe,
  inPool,
  mailchimpClient,
  statusOf,
  subscriberHash,
  withRetries,
} from './client.js'
import { runBatch } from './batch.js'
import { memberBody, upsertMember } from './members.js'
import { accountOf, environment } from './settings.js'
import { memberAddresses, sextantEmailFor } from './addresses.js'

const CONCURRENCY = 5
const PAGE = 500
const BATCH_SIZE = 1000

/**
 * The daily reconcile. First what Mailchimp knows: every unsubscribed and
 * cleaned member (offset/count/total_items pages) has their consent
 * turned off in Sextant. Then every consenting user is upserted by
 * subscriber hash with `status_if_new`, five at a time (Mailchimp allows
 * ten connections per key), waiting out 429s; from
 * MAILCHIMP_BATCH_THRESHOLD members on, as batch operations polled to
 * completion. A member Mailchimp refuses (an invalid address) is
 * reported, never fatal.
 */
export async function syncAudience(context: SyncContext) {
  try {
    await reconcile(context)
  } catch (error) {
    // the run's error (shown on Admin → Integrations) in words, never Mailchimp's raw answer
    if (statusOf(error) !== null || (error as { code?: string })?.code) {
      throw new Error(describe(error))
    }
    throw error
  }
}

async function reconcile(context: SyncContext) {
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
            email: await sextantEmailFor(member.email_address),
            source: 'mailchimp-sync',
          })
        ) {
          withdrawn++
        }
      }
      if (members.length === 0 || offset + PAGE >= Number(page.total_items ?? 0)) break
    }
  }

  const contacts: MarketingContact[] = []
  for await (const page of marketingContacts.consenting(PAGE)) contacts.push(...page)

  let upserted = 0
  const refused: string[] = []
  if (contacts.length >= environment.get('MAILCHIMP_BATCH_THRESHOLD')) {
    // Many changes: batch operations, polled to completion, per-member errors from the results.
    const byId = new Map(contacts.map((contact) => [contact.publicId, contact]))
    for (let start = 0; start < contacts.length; start += BATCH_SIZE) {
      const chunk = contacts.slice(start, start + BATCH_SIZE)
      const held = await memberAddresses(chunk.map((contact) => contact.publicId))
      const results = await runBatch(
        client,
        chunk.map((contact) => {
          const address = held.get(contact.publicId) ?? contact.email
          return {
            method: 'PUT' as const,
            path: `/lists/${audienceId}/members/${subscriberHash(address)}`,
            body: JSON.stringify(memberBody(contact, address)),
            operation_id: contact.publicId,
          }
        }),
        { signal: context.signal }
      )
      for (const result of results) {
        if (result.statusCode < 400) upserted++
        else {
          const email = byId.get(result.operationId)?.email ?? result.operationId
          refused.push(`${email}: ${result.detail ?? `HTTP ${result.statusCode}`}`)
        }
      }
      await context.progress(start + chunk.length, contacts.length, 'members sent in batches')
    }
  } else {
    await inPool(contacts, CONCURRENCY, async (contact) => {
      if (context.signal.aborted) throw new Error('The sync was interrupted')
      try {
        await upsertMember(client, audienceId, contact)
        upserted++
      } catch (error) {
        const status = statusOf(error)
        if (status === null || status >= 500 || [401, 403, 429].includes(status)) throw error
        refused.push(`${contact.email}: ${describe(error)}`)
      }
    })
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

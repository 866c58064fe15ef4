import { marketingContacts, type CoreEventHandlers, type ConnectionHandle } from '#plugin-sdk'
import { mailchimpClient } from './client.js'
import { deleteMemberPermanently, unsubscribeMember, upsertMember } from './members.js'
import { accountOf } from './settings.js'
import { forgetMemberAddress, memberAddressOf } from './addresses.js'

/**
 * Sextant's users kept in step at once, through the core events (each
 * delivered by the queue, retried when Mailchimp fails): a sign-up with
 * consent adds the member, a change updates it in place, withdrawn
 * consent unsubscribes it, a deletion deletes it permanently.
 */
async function each(
  connections: Promise<ConnectionHandle[]>,
  work: (client: ReturnType<typeof mailchimpClient>, audienceId: string) => Promise<void>
) {
  for (const connection of await connections) {
    const account = accountOf(connection)
    if (!account.audienceId) continue
    await work(mailchimpClient(account), account.audienceId)
  }
}

export const mailchimpEvents: CoreEventHandlers = {
  async 'user.created'(context) {
    const contact = await marketingContacts.find(context.payload.user.publicId)
    if (!contact?.consent) return
    await each(context.installationConnections(), (client, audienceId) =>
      upsertMember(client, audienceId, contact).then(() => undefined)
    )
  },

  async 'user.updated'(context) {
    const { payload } = context
    const contact = await marketingContacts.find(payload.user.publicId)
    if (!contact) return
    const previousEmail =
      payload.changed.includes('email') && payload.previous.email
        ? payload.previous.email
        : undefined
    await each(context.installationConnections(), async (client, audienceId) => {
      if (contact.consent) {
        await upsertMember(client, audienceId, contact, previousEmail)
      } else if (payload.changed.includes('marketingConsent')) {
        const held = await memberAddressOf(contact)
        await unsubscribeMember(
          client,
          audienceId,
          held !== contact.email ? held : (previousEmail ?? contact.email)
        )
      }
    })
  },

  /** joined, changed role or left: the ORG and ROLE merge fields follow */
  async 'membership.changed'(context) {
    const contact = await marketingContacts.find(context.payload.user.publicId)
    if (!contact?.consent) return
    await each(context.installationConnections(), (client, audienceId) =>
      upsertMember(client, audienceId, contact).then(() => undefined)
    )
  },

  async 'user.deleted'(context) {
    const { user } = context.payload
    const held = await memberAddressOf(user)
    await each(context.installationConnections(), (client, audienceId) =>
      deleteMemberPermanently(client, audienceId, held)
    )
    await forgetMemberAddress(user.publicId)
  },
}

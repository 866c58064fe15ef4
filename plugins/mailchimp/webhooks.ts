import { marketingContacts, type PluginWebhooks, type LifecycleContext } from '#plugin-sdk'
import { mailchimpClient, statusOf, withRetries } from './client.js'
import { accountOf } from './settings.js'
import { recordAddressChange, sextantEmailFor } from './addresses.js'

/**
 * Mailchimp's webhooks flow unsubscribes and cleaned addresses back at
 * once. Mailchimp does not sign its deliveries: each connection gets its
 * own URL carrying an unguessable token (checked by the platform before
 * verify runs). It checks the URL with a GET before saving the webhook,
 * then POSTs form-encoded bodies (`type=unsubscribe&data[email]=…`)
 * without a delivery id: the platform derives one from the body.
 */
const EVENTS = new Set(['subscribe', 'unsubscribe', 'profile', 'cleaned', 'upemail', 'campaign'])

type Delivery = {
  type?: string
  data?: {
    email?: string
    reason?: string
    list_id?: string
    old_email?: string
    new_email?: string
  }
}

async function withdraw(email: unknown, source: string) {
  if (typeof email !== 'string' || email === '') return
  // an address changed in Mailchimp belongs to the person who had the old one
  await marketingContacts.withdraw({ email: await sextantEmailFor(email), source })
}

export const mailchimpWebhooks: PluginWebhooks = {
  authentication: 'url-token',
  handshake: () => ({ status: 200, body: 'ok' }),
  verify(request) {
    if (!request.connection) {
      return { ok: false, status: 400, reason: 'Mailchimp posts to a connection’s own URL' }
    }
    const body = request.body as Delivery | undefined
    const type = body?.type
    if (!type || !EVENTS.has(type)) {
      return { ok: false, status: 400, reason: 'not a Mailchimp webhook (no known type)' }
    }
    const audienceId = String(request.connection.config.audienceId ?? '')
    if (body?.data?.list_id && body.data.list_id !== audienceId) {
      return { ok: false, status: 400, reason: 'the delivery is for another audience' }
    }
    return { ok: true, event: type, action: body?.data?.reason ?? null }
  },
  handlers: {
    async unsubscribe({ delivery }) {
      await withdraw((delivery.payload as Delivery).data?.email, 'mailchimp-webhook')
    },
    async cleaned({ delivery }) {
      await withdraw((delivery.payload as Delivery).data?.email, 'mailchimp-webhook')
    },
    /**
     * The member changed their address in Mailchimp: it stays one member,
     * and Sextant's upserts follow it there instead of subscribing the old
     * address again. Sextant's own email for the person is not changed
     * (it is their sign-in, and Mailchimp does not sign its webhooks).
     */
    async upemail({ delivery }) {
      const data = (delivery.payload as Delivery).data
      if (typeof data?.old_email !== 'string' || typeof data?.new_email !== 'string') return
      if (!/^[^@\s]+@[^@\s]+$/.test(data.new_email) || data.new_email.length > 254) return
      await recordAddressChange(data.old_email, data.new_email)
    },
  },
}

/**
 * onConnected: registers the connection's URL for unsubscribes and
 * cleaned addresses (whoever made the change), remembering its id.
 */
export async function registerWebhook(context: LifecycleContext) {
  const account = accountOf(context.connection)
  if (!account.audienceId) return
  const client = mailchimpClient(account)
  const url = await context.webhooks.url()
  const existing = await withRetries(() => client.lists.getListWebhooks(account.audienceId!))
  const found = ((existing.webhooks ?? []) as Array<{ id: string; url: string }>).find(
    (hook) => hook.url === url
  )
  const webhook =
    found ??
    (await withRetries(() =>
      client.lists.createListWebhook(account.audienceId!, {
        url,
        events: {
          unsubscribe: true,
          cleaned: true,
          upemail: true,
          subscribe: false,
          profile: false,
          campaign: false,
        },
        sources: { user: true, admin: true, api: false },
      })
    ))
  await context.connection.update({ config: { webhookId: String(webhook.id) } })
}

/** onDisconnecting: removes the webhook it registered (already gone is fine) */
export async function removeWebhook(context: LifecycleContext) {
  const account = accountOf(context.connection)
  const webhookId = context.connection.config.webhookId
  if (!account.audienceId || typeof webhookId !== 'string') return
  try {
    await withRetries(() =>
      mailchimpClient(account).lists.deleteListWebhook(account.audienceId!, webhookId)
    )
  } catch (error) {
    if (statusOf(error) !== 404) throw error
  }
}

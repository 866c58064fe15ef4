import { definePlugin } from '#plugin-sdk'
import { connectionFields, connectionValidator, testConnection } from './connect.js'
import { mailchimpEvents } from './events.js'
import { environment } from './settings.js'
import { syncAudience } from './sync.js'
import { mailchimpWebhooks, registerWebhook, removeWebhook } from './webhooks.js'

/**
 * Mailchimp: the operator's audience kept in step with Sextant's users,
 * with consent respected both ways. One installation-scoped connection
 * (Admin → Integrations), through the official client
 * @mailchimp/mailchimp_marketing.
 */
export default definePlugin({
  id: 'mailchimp',
  name: 'Mailchimp',
  description:
    "Keeps the operator's Mailchimp audience in step with Sextant's users who opted in to product emails; unsubscribes flow back.",
  category: 'marketing',
  version: '1.0.0',
  settings: environment,
  connection: {
    scope: 'installation',
    auth: { kind: 'api_key' },
    fields: connectionFields,
    validator: connectionValidator,
    test: testConnection,
  },
  lifecycle: { onConnected: registerWebhook, onDisconnecting: removeWebhook },
  events: mailchimpEvents,
  webhooks: mailchimpWebhooks,
  sync: [
    {
      name: 'audience',
      description: 'Upsert every consenting user; read back unsubscribes and cleaned addresses',
      schedule: '30 4 * * *',
      run: syncAudience,
    },
  ],
  commands: [() => import('./commands/create_mailchimp_audience.js')],
})

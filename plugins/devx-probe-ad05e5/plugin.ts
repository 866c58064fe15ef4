import { definePlugin, HttpError, vine } from '#plugin-sdk'
import { DevxProbeAd05e5Client } from './client.js'
import { repositoriesTask } from './sync/repositories.js'
import { webhooks } from './webhooks.js'

/**
 * Devx Probe Ad05e5: an organisation pastes an API token; a nightly task syncs its
 * repositories and webhooks keep them current in between.
 * Imports come from "#plugin-sdk" only, so the plugin survives core changes.
 */
export default definePlugin({
  id: 'devx-probe-ad05e5',
  name: 'Devx Probe Ad05e5',
  // CHANGE: one sentence shown on the Connections page.
  description: 'Repositories from Devx Probe Ad05e5.',
  category: 'other',
  version: '0.1.0',
  connection: {
    auth: { kind: 'token' },
    fields: [
      {
        name: 'token',
        label: 'API token',
        type: 'password',
        secret: true,
        required: true,
        help: 'A token that can read repositories',
      },
    ],
    validator: vine.create({ token: vine.string().trim().minLength(8) }),
    // CHANGE: your API's address. Self-hosted editions override it on the connect form.
    baseUrl: { default: 'https://api.example.com', label: 'API URL' },
    // CHANGE: the headers your API authenticates with (PRIVATE-TOKEN,
    // x-api-key, Basic ...). Every client of the connection sends them, and
    // the token is redacted from errors and logs.
    requestHeaders: (connection) => ({ authorization: `Bearer ${connection.credentials.token}` }),
    async test(connection) {
      try {
        await new DevxProbeAd05e5Client(await connection.client()).ping()
        return { ok: true, message: `Connected to ${connection.baseUrl}` }
      } catch (error) {
        if (error instanceof HttpError && (error.status === 401 || error.status === 403)) {
          return { ok: false, message: `${connection.baseUrl} refused the token (${error.status})` }
        }
        // The HTTP client's errors are already scrubbed of the token.
        return { ok: false, message: error instanceof Error ? error.message : String(error) }
      }
    },
  },
  sync: [repositoriesTask],
  webhooks,
  views: 'views',
  settingsPartial: 'devx-probe-ad05e5::settings',
})

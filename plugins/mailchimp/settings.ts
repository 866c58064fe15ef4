import { defineSettings, type ConnectionHandle } from '#plugin-sdk'

/**
 * The environment this plugin reads. None is required: the superuser may
 * type the same values in Admin → Integrations instead; a connect form
 * left empty takes them from here.
 */
export const environment = defineSettings({
  MAILCHIMP_API_KEY: {
    type: 'string',
    description: 'the Marketing API key (ends in -usXX, the data centre)',
  },
  MAILCHIMP_SERVER_PREFIX: {
    type: 'string',
    description: "the data centre (us21); derived from the key's -usXX suffix when unset",
  },
  MAILCHIMP_AUDIENCE_ID: {
    type: 'string',
    description: 'the audience (list) id Sextant keeps in step with its users',
  },
  MAILCHIMP_RETRY_BASE_MS: {
    type: 'number',
    default: 1000,
    min: 0,
    description: 'the first pause after a 429 or 5xx, doubled at each retry',
  },
  MAILCHIMP_BATCH_THRESHOLD: {
    type: 'number',
    default: 300,
    min: 1,
    description:
      'from how many members the daily sync sends batch operations instead of one call each',
  },
  MAILCHIMP_BATCH_POLL_MS: {
    type: 'number',
    default: 5000,
    min: 0,
    description: 'how often a running batch is polled',
  },
  MAILCHIMP_API_URL: {
    type: 'url',
    description:
      'the API root instead of https://<prefix>.api.mailchimp.com/3.0 (a proxy, or the tests’ loopback server)',
  },
})

/** what every call needs: the key, its data centre and the audience */
export type MailchimpAccount = {
  apiKey: string
  server: string
  audienceId: string | null
  /** null: Mailchimp itself, https://<server>.api.mailchimp.com/3.0 */
  apiUrl: string | null
}

const SERVER_PREFIX = /^[a-z]{2,4}\d{1,3}$/

/** "…-us21" → "us21"; null when the key carries no data centre */
export function serverPrefixOf(apiKey: string): string | null {
  const suffix = apiKey.trim().split('-').pop() ?? ''
  return apiKey.includes('-') && SERVER_PREFIX.test(suffix) ? suffix : null
}

export function isServerPrefix(value: string) {
  return SERVER_PREFIX.test(value)
}

/** the environment's account, when it names a key */
export function accountFromEnvironment(): MailchimpAccount | null {
  const apiKey = environment.get('MAILCHIMP_API_KEY')
  if (!apiKey) return null
  const server = environment.get('MAILCHIMP_SERVER_PREFIX') ?? serverPrefixOf(apiKey)
  if (!server) return null
  return {
    apiKey,
    server,
    audienceId: environment.get('MAILCHIMP_AUDIENCE_ID') ?? null,
    apiUrl: environment.get('MAILCHIMP_API_URL') ?? null,
  }
}

/** the installation connection's account (its sealed key, its settings) */
export function accountOf(connection: ConnectionHandle): MailchimpAccount {
  return {
    apiKey: connection.credentials.apiKey ?? '',
    server: String(connection.config.serverPrefix ?? ''),
    audienceId: connection.config.audienceId ? String(connection.config.audienceId) : null,
    apiUrl: environment.get('MAILCHIMP_API_URL') ?? null,
  }
}

import { vine, type ConnectionHandle, type ConnectionTestResult } from '#plugin-sdk'
import { describe, mailchimpClient, withRetries } from './client.js'
import {
  accountFromEnvironment,
  accountOf,
  environment,
  isServerPrefix,
  serverPrefixOf,
} from './settings.js'

/**
 * The admin area's form: API key, server prefix, audience id. A field
 * left empty takes the environment's value (MAILCHIMP_API_KEY,
 * MAILCHIMP_SERVER_PREFIX, MAILCHIMP_AUDIENCE_ID); the prefix defaults
 * to the key's -usXX suffix.
 */
const form = vine.create({
  apiKey: vine.string().trim().maxLength(200).optional(),
  serverPrefix: vine.string().trim().toLowerCase().maxLength(8).optional(),
  audienceId: vine
    .string()
    .trim()
    .regex(/^[a-zA-Z0-9]{1,32}$/)
    .optional(),
})

function refused(field: string, message: string) {
  return Object.assign(new Error(message), {
    code: 'E_VALIDATION_ERROR',
    messages: [{ field, message }],
  })
}

export const connectionValidator = {
  async validate(data: unknown) {
    const typed = await form.validate(data)
    const apiKey = typed.apiKey || environment.get('MAILCHIMP_API_KEY')
    if (!apiKey) throw refused('apiKey', 'Enter the API key (or set MAILCHIMP_API_KEY)')
    const serverPrefix =
      typed.serverPrefix || environment.get('MAILCHIMP_SERVER_PREFIX') || serverPrefixOf(apiKey)
    if (!serverPrefix) {
      throw refused('serverPrefix', 'The key has no -usXX suffix: enter the server prefix (us21)')
    }
    if (!isServerPrefix(serverPrefix)) {
      throw refused('serverPrefix', 'A server prefix is letters then digits, like us21')
    }
    const audienceId = typed.audienceId || environment.get('MAILCHIMP_AUDIENCE_ID')
    if (!audienceId) {
      throw refused(
        'audienceId',
        'Enter the audience id (node ace create:mailchimp-audience prints it)'
      )
    }
    return { apiKey, serverPrefix, audienceId }
  },
}

export const connectionFields = [
  {
    name: 'apiKey',
    label: 'API key',
    secret: true,
    help: 'Mailchimp → Account → Extras → API keys. Empty: MAILCHIMP_API_KEY.',
  },
  {
    name: 'serverPrefix',
    label: 'Server prefix',
    placeholder: 'us21',
    help: 'Empty: MAILCHIMP_SERVER_PREFIX, else the end of the key (…-us21).',
  },
  {
    name: 'audienceId',
    label: 'Audience id',
    help: 'Empty: MAILCHIMP_AUDIENCE_ID. node ace create:mailchimp-audience creates one.',
  },
]

/** Test: ping, then the account's and the audience's names */
export async function testConnection(connection: ConnectionHandle): Promise<ConnectionTestResult> {
  const account = accountOf(connection)
  const client = mailchimpClient(account)
  try {
    await withRetries(() => client.ping.get(), { attempts: 2 })
    const root = await withRetries(() => client.root.getRoot(), { attempts: 2 })
    const list = await withRetries(() => client.lists.getList(account.audienceId!), {
      attempts: 2,
    })
    const accountName = String(root.account_name ?? '')
    return {
      ok: true,
      message: `Mailchimp account ${accountName}, audience ${list.name} (${list.stats?.member_count ?? 0} members)`,
      account: `${accountName} · ${list.name}`,
    }
  } catch (error) {
    return { ok: false, message: describe(error) }
  }
}

export { accountFromEnvironment }

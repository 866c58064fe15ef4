import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { upsertConnection } from '#actions/connections/store_connection'
import { createAccount } from '#tests/helpers/accounts'
import { processQueueUntil } from '#tests/helpers/queue'
import { type startFakeMailchimp } from './fake_mailchimp.js'

export const API_KEY = 'k3y-us21'

/** the fake, an audience on it, and Sextant's installation connection to it */
export async function mailchimpWithAudience(fake: Awaited<ReturnType<typeof startFakeMailchimp>>) {
  const audienceId = 'aud123'
  fake.state.members.clear()
  fake.state.webhooks.clear()
  fake.state.requests.length = 0
  fake.state.invalid.clear()
  fake.state.tooMany = 0
  fake.state.maxInFlight = 0
  fake.state.lists.set(audienceId, { id: audienceId, name: 'Sextant users', body: {} })
  const connection = await upsertConnection({
    organizationId: null,
    pluginId: 'mailchimp',
    accountKey: 'default',
    createdById: null,
    config: { serverPrefix: 'us21', audienceId },
    credentials: { apiKey: API_KEY },
    baseUrl: null,
    status: 'active',
  })
  return { audienceId, connection }
}

/** a person with (or without) consent to product emails */
export async function person(options: { consent: boolean; email?: string; fullName?: string }) {
  const account = await createAccount({ email: options.email })
  const user = await User.findByOrFail('email', account.email)
  if (options.fullName) user.fullName = options.fullName
  if (options.consent) {
    user.marketingConsentAt = DateTime.now()
    user.marketingConsentText = 'Send me product news (at most monthly).'
  }
  await user.save()
  return user
}

/** who withdrew the person's consent ("mailchimp-webhook"…), null while it stands */
export async function consentWithdrawnBy(email: string): Promise<string | null> {
  const row = await db.from('users').where('email', email).firstOrFail()
  return row.marketing_consent_withdrawn_by ?? null
}

/** runs the queue until every core event and lifecycle hook has been handled */
export async function eventsDelivered() {
  await processQueueUntil(async () => {
    const [row] = await db
      .from('plugin_hook_runs')
      .whereIn('status', ['pending', 'running'])
      .count('* as n')
    return Number(row.n) === 0
  })
}

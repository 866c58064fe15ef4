import { test } from '@japa/runner'
import sextantConfig from '#config/sextant'
import User from '#models/user'
import RunSync from '#actions/sync/run_sync'
import { MARKETING_CONSENT_TEXT } from '#services/marketing/consent'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, STRONG_PASSWORD } from '#tests/helpers/accounts'
import { withEnv } from '#plugin-sdk/testing'
import { lastMailTo, linkIn } from '#tests/helpers/smtp'
import { WebClient } from '#tests/helpers/web_client'
import { startFakeMailchimp, md5 } from './fake_mailchimp.js'
import { eventsDelivered, mailchimpWithAudience } from './testbed.js'

/**
 * Consent to product emails, given with an unchecked box at sign-up or
 * on the Security page, stored with the moment and the wording, and
 * carried to Mailchimp through the core events.
 */
type Fake = Awaited<ReturnType<typeof startFakeMailchimp>>

async function signUp(email: string, consent: boolean) {
  const web = new WebClient()
  await web.get('/sign-up')
  await web.post('/sign-up', { email })
  const link = linkIn(lastMailTo(email)!, '/sign-up/')
  const form = await web.get(link)
  const fields: Record<string, string> = {
    fullName: 'Mary Jackson',
    organizationName: 'Langley Labs',
    password: STRONG_PASSWORD,
    passwordConfirmation: STRONG_PASSWORD,
  }
  if (consent) fields.marketingConsent = 'on'
  const done = await web.post(link, fields)
  return { form, done }
}

test.group('Mailchimp | consent', (group) => {
  let fake: Fake
  group.setup(async () => {
    fake = await startFakeMailchimp()
    return () => fake.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => withEnv({ MAILCHIMP_API_URL: fake.url, MAILCHIMP_RETRY_BASE_MS: '10' }))
  group.each.setup(() => {
    sextantConfig.auth.signupMode = 'open'
    return () => {
      sextantConfig.auth.signupMode = 'invite'
    }
  })

  test('signing up with the box checked stores the wording and adds the member within one queue run', async ({
    assert,
  }) => {
    const { audienceId } = await mailchimpWithAudience(fake)
    const email = `founder.${Date.now()}@example.org`
    const { form, done } = await signUp(email, true)
    // the box is offered unchecked, with its wording
    assert.match(form.text, /<input type="checkbox" name="marketingConsent" value="on"\s*\/>/)
    assert.include(form.text, MARKETING_CONSENT_TEXT)
    assert.equal(done.location, '/mfa/setup')

    const user = await User.findByOrFail('email', email)
    assert.isNotNull(user.marketingConsentAt)
    assert.equal(user.marketingConsentText, MARKETING_CONSENT_TEXT)
    await eventsDelivered()
    const member = fake.members(audienceId).get(md5(email))
    assert.equal(member?.status, 'subscribed')
    assert.equal(member?.merge_fields.ORG, 'Langley Labs')
    assert.equal(member?.merge_fields.ROLE, 'owner')
  }).timeout(60_000)

  test('signing up with the box unchecked adds nothing', async ({ assert }) => {
    const { audienceId } = await mailchimpWithAudience(fake)
    const email = `quiet.${Date.now()}@example.org`
    await signUp(email, false)
    const user = await User.findByOrFail('email', email)
    assert.isNull(user.marketingConsentAt)
    await eventsDelivered()
    assert.equal(fake.members(audienceId).size, 0)
  }).timeout(60_000)

  test('unchecking the box on the Security page unsubscribes the member, and the daily sync keeps it so', async ({
    assert,
  }) => {
    const { audienceId, connection } = await mailchimpWithAudience(fake)
    const account = await createAccount()
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    await web.get('/settings/security')
    await web.post('/settings/marketing-consent', { marketingConsent: 'on' })
    await eventsDelivered()
    assert.equal(fake.members(audienceId).get(md5(account.email))?.status, 'subscribed')
    const page = await web.get('/settings/security')
    assert.match(page.text, /name="marketingConsent" value="on"\s*checked/)

    await web.post('/settings/marketing-consent', {})
    await eventsDelivered()
    assert.equal(fake.members(audienceId).get(md5(account.email))?.status, 'unsubscribed')
    const user = await User.findByOrFail('email', account.email)
    assert.equal(user.marketingConsentWithdrawnBy, 'user')

    const [outcome] = await new RunSync().execute({ connection, trigger: 'cli' })
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
    assert.equal(fake.members(audienceId).get(md5(account.email))?.status, 'unsubscribed')
  }).timeout(60_000)
})

import { test } from '@japa/runner'
import sextantConfig from '#config/sextant'
import Membership from '#models/membership'
import User from '#models/user'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, STRONG_PASSWORD } from '#tests/helpers/accounts'
import { lastMailTo, linkIn } from '#tests/helpers/smtp'
import { WebClient, withoutCsrf } from '#tests/helpers/web_client'

test.group('Open sign-up', (group) => {
  group.each.setup(resetDatabase)
  group.each.teardown(() => {
    sextantConfig.auth.signupMode = 'invite'
  })

  test('is a 404 in the default invite mode', async ({ assert }) => {
    assert.equal((await new WebClient().get('/sign-up')).status, 404)
  })

  test('an emailed link creates the account and its organisation, then MFA enrolment', async ({
    assert,
  }) => {
    sextantConfig.auth.signupMode = 'open'
    const email = `founder.${Date.now()}@example.org`
    const web = new WebClient()
    await web.get('/sign-up')
    const sent = await web.post('/sign-up', { email })
    assert.equal(sent.status, 200)
    const link = linkIn(lastMailTo(email)!, '/sign-up/')
    assert.equal((await web.get(link)).status, 200)
    const done = await web.post(link, {
      fullName: 'Mary Jackson',
      organizationName: 'Langley Labs',
      password: STRONG_PASSWORD,
      passwordConfirmation: STRONG_PASSWORD,
    })
    assert.equal(done.location, '/mfa/setup')
    const user = await User.findByOrFail('email', email)
    const membership = await Membership.query()
      .where('user_id', user.id)
      .preload('organization')
      .firstOrFail()
    assert.equal(membership.role, 'owner')
    assert.equal(membership.organization.name, 'Langley Labs')
    assert.equal((await new WebClient().get(link)).status, 404)
  })

  test('an address with an account gets the same answer, and a reminder by mail', async ({
    assert,
  }) => {
    sextantConfig.auth.signupMode = 'open'
    const account = await createAccount()
    const ask = async (email: string) => {
      const web = new WebClient()
      await web.get('/sign-up')
      const response = await web.post('/sign-up', { email })
      return { status: response.status, body: withoutCsrf(response.text) }
    }
    const known = await ask(account.email)
    const unknown = await ask(`nobody.${Date.now()}@example.org`)
    assert.equal(known.status, unknown.status)
    assert.equal(known.body, unknown.body)
    assert.equal(lastMailTo(account.email)?.subject, 'You already have a Sextant account')
  })
})

import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import Invite from '#models/invite'
import Membership from '#models/membership'
import User from '#models/user'
import { MARKETING_CONSENT_TEXT } from '#services/marketing/consent'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, STRONG_PASSWORD } from '#tests/helpers/accounts'
import { lastMailTo, linkIn } from '#tests/helpers/smtp'
import { WebClient, withoutCsrf } from '#tests/helpers/web_client'

async function inviteFromPage(email: string, role = 'member') {
  const admin = await createAccount({ role: 'admin' })
  const web = new WebClient()
  await web.signIn(admin.email, admin.password, admin.totpSecret!)
  await web.get('/settings/members')
  const response = await web.post('/settings/members/invites', { email, role })
  const mail = lastMailTo(email)
  return { admin, response, link: mail ? linkIn(mail, '/invitations/') : null }
}

test.group('Invitations', (group) => {
  group.each.setup(resetDatabase)

  test('an admin invites by email; the mail carries a single-use link', async ({ assert }) => {
    const email = `invitee.${Date.now()}@example.org`
    const { response, link } = await inviteFromPage(email, 'viewer')
    assert.equal(response.status, 302)
    assert.isString(link)
    const invite = await Invite.findByOrFail('email', email)
    assert.equal(invite.role, 'viewer')
    assert.notInclude(invite.tokenHash, link!.split('/').pop()!)
  })

  test('signing up from the link creates the account and sends it to MFA enrolment', async ({
    assert,
  }) => {
    const email = `invitee.${Date.now()}@example.org`
    const { admin, link } = await inviteFromPage(email)
    const web = new WebClient()
    assert.equal((await web.get(link!)).status, 200)
    const response = await web.post(link!, {
      email,
      fullName: 'Katherine Johnson',
      password: STRONG_PASSWORD,
      passwordConfirmation: STRONG_PASSWORD,
    })
    assert.equal(response.location, '/mfa/setup')
    const user = await User.findByOrFail('email', email)
    const membership = await Membership.query().where('user_id', user.id).firstOrFail()
    assert.equal(membership.organizationId, admin.organization.id)
    // Nothing but enrolment is reachable yet.
    assert.equal((await web.get('/')).location, '/mfa/setup')
  })

  test('the invitation page offers the product-emails box unchecked; checked, it records the moment and the wording', async ({
    assert,
  }) => {
    const email = `invitee.${Date.now()}@example.org`
    const { link } = await inviteFromPage(email)
    const web = new WebClient()
    const page = await web.get(link!)
    assert.match(page.text, /<input type="checkbox" name="marketingConsent" value="on"\s*\/>/)
    assert.include(page.text, MARKETING_CONSENT_TEXT)
    const before = DateTime.now().minus({ seconds: 1 })
    await web.post(link!, {
      email,
      fullName: 'Mary Jackson',
      password: STRONG_PASSWORD,
      passwordConfirmation: STRONG_PASSWORD,
      marketingConsent: 'on',
    })
    const user = await User.findByOrFail('email', email)
    assert.isTrue(user.marketingConsent)
    assert.isTrue(user.marketingConsentAt! >= before)
    assert.equal(user.marketingConsentText, MARKETING_CONSENT_TEXT)
    assert.isNull(user.marketingConsentWithdrawnAt)
  })

  test('accepting with the box unchecked records no consent', async ({ assert }) => {
    const email = `invitee.${Date.now()}@example.org`
    const { link } = await inviteFromPage(email)
    const web = new WebClient()
    await web.get(link!)
    await web.post(link!, {
      email,
      fullName: 'Mary Jackson',
      password: STRONG_PASSWORD,
      passwordConfirmation: STRONG_PASSWORD,
    })
    const user = await User.findByOrFail('email', email)
    assert.isFalse(user.marketingConsent)
    assert.isNull(user.marketingConsentAt)
  })

  test('the link works once', async ({ assert }) => {
    const email = `invitee.${Date.now()}@example.org`
    const { link } = await inviteFromPage(email)
    const fields = {
      email,
      fullName: 'Dorothy Vaughan',
      password: STRONG_PASSWORD,
      passwordConfirmation: STRONG_PASSWORD,
    }
    const first = new WebClient()
    await first.get(link!)
    assert.equal((await first.post(link!, fields)).location, '/mfa/setup')
    const second = new WebClient()
    assert.equal((await second.get(link!)).status, 404)
  })

  test('an expired invitation is refused', async ({ assert }) => {
    const email = `invitee.${Date.now()}@example.org`
    const { link } = await inviteFromPage(email)
    await Invite.query()
      .where('email', email)
      .update({ expires_at: DateTime.now().minus({ days: 1 }).toFormat('yyyy-MM-dd HH:mm:ss') })
    assert.equal((await new WebClient().get(link!)).status, 404)
  })

  test('another email, known or unknown, gets the same status and body', async ({ assert }) => {
    const email = `invitee.${Date.now()}@example.org`
    const { admin, link } = await inviteFromPage(email)
    const attempt = async (otherEmail: string) => {
      const web = new WebClient()
      await web.get(link!)
      const response = await web.post(link!, {
        email: otherEmail,
        fullName: 'Mallory',
        password: STRONG_PASSWORD,
        passwordConfirmation: STRONG_PASSWORD,
      })
      return {
        status: response.status,
        body: withoutCsrf(response.text).replace(otherEmail, 'EMAIL'),
      }
    }
    const unknown = await attempt('stranger@example.org')
    const known = await attempt(admin.email)
    assert.equal(unknown.status, 422)
    assert.equal(known.status, unknown.status)
    assert.equal(known.body, unknown.body)
    assert.include(unknown.body, 'not valid for this email address')
  })
})

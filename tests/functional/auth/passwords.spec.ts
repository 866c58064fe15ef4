import { test } from '@japa/runner'
import ChangePassword from '#actions/auth/change_password'
import { CLI_META } from '#services/audit'
import { PasswordRejectedException } from '#services/passwords'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { lastMailTo, linkIn, mailsTo } from '#tests/helpers/smtp'
import { WebClient, withoutCsrf } from '#tests/helpers/web_client'
import { totp } from '#services/totp'

const passwords = [
  'Copper-Meadow-Violin-11',
  'Granite-Orchid-Saddle-22',
  'Juniper-Rocket-Tundra-33',
  'Lagoon-Pepper-Summit-44',
  'Walnut-Comet-Harbor-55',
  'Falcon-Ember-Prairie-66',
]

test.group('Passwords | history and policy', (group) => {
  group.each.setup(resetDatabase)

  test('reusing one of the last 5 passwords is refused with a clear message', async ({
    assert,
  }) => {
    const account = await createAccount()
    let current = account.password
    for (const next of passwords.slice(0, 4)) {
      await new ChangePassword().execute({
        user: account.user,
        currentPassword: current,
        newPassword: next,
        meta: CLI_META,
      })
      current = next
    }
    // Last five: the initial one and passwords[0..3].
    for (const reused of [account.password, passwords[0], passwords[3]]) {
      try {
        await new ChangePassword().execute({
          user: account.user,
          currentPassword: current,
          newPassword: reused,
          meta: CLI_META,
        })
        assert.fail(`reuse of ${reused} was accepted`)
      } catch (error) {
        assert.instanceOf(error, PasswordRejectedException)
        assert.include((error as Error).message, 'You used this password recently')
      }
    }
  })

  test('a password older than the last 5 may be used again', async ({ assert }) => {
    const account = await createAccount()
    let current = account.password
    for (const next of passwords.slice(0, 5)) {
      await new ChangePassword().execute({
        user: account.user,
        currentPassword: current,
        newPassword: next,
        meta: CLI_META,
      })
      current = next
    }
    await new ChangePassword().execute({
      user: account.user,
      currentPassword: current,
      newPassword: account.password,
      meta: CLI_META,
    })
    assert.isTrue(await account.user.verifyPassword(account.password))
  })

  test('the change form shows why a password was refused', async ({ assert }) => {
    const account = await createAccount()
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    await web.get('/settings/security')
    const response = await web.post('/settings/password', {
      currentPassword: account.password,
      password: 'password1234',
      passwordConfirmation: 'password1234',
    })
    assert.equal(response.location, '/settings/security')
    const page = await web.get('/settings/security')
    assert.include(page.text, 'too common')
  })

  test('changing the password signs out the other sessions', async ({ assert }) => {
    const account = await createAccount()
    const laptop = new WebClient()
    await laptop.signIn(account.email, account.password, account.totpSecret!)
    const phone = new WebClient()
    await phone.signIn(account.email, account.password, account.totpSecret!, Date.now() + 30_000)
    await laptop.get('/settings/security')
    const response = await laptop.post('/settings/password', {
      currentPassword: account.password,
      password: passwords[0],
      passwordConfirmation: passwords[0],
    })
    assert.equal(response.location, '/settings/security')
    assert.equal((await laptop.get('/')).status, 200)
    assert.equal((await phone.get('/')).location, '/sign-in')
  })
})

test.group('Passwords | reset by email', (group) => {
  group.each.setup(resetDatabase)

  test('an unknown email gets the same status and body as a known one', async ({ assert }) => {
    const account = await createAccount()
    const ask = async (email: string) => {
      const web = new WebClient()
      await web.get('/password/forgot')
      const response = await web.post('/password/forgot', { email })
      return { status: response.status, body: withoutCsrf(response.text) }
    }
    const known = await ask(account.email)
    const unknown = await ask('ghost@example.org')
    assert.equal(known.status, 200)
    assert.equal(unknown.status, known.status)
    assert.equal(unknown.body, known.body)
    assert.lengthOf(mailsTo(account.email), 1)
    assert.lengthOf(mailsTo('ghost@example.org'), 0)
  })

  test('the emailed link sets a new password once, and the second factor is still required', async ({
    assert,
  }) => {
    const account = await createAccount()
    const other = new WebClient()
    await other.signIn(account.email, account.password, account.totpSecret!)

    const web = new WebClient()
    await web.get('/password/forgot')
    await web.post('/password/forgot', { email: account.email })
    const link = linkIn(lastMailTo(account.email)!, '/password/reset/')
    assert.equal((await web.get(link)).status, 200)
    const done = await web.post(link, {
      password: passwords[5],
      passwordConfirmation: passwords[5],
    })
    assert.equal(done.location, '/sign-in')

    // Every session ended with the reset.
    assert.equal((await other.get('/')).location, '/sign-in')
    // The link is spent.
    assert.equal((await new WebClient().get(link)).status, 404)
    // The new password works, and leads to the second factor, not in.
    const next = new WebClient()
    const step = await next.submitPassword(account.email, passwords[5])
    assert.equal(step.location, '/sign-in/mfa')
    assert.equal((await next.get('/')).location, '/sign-in/mfa')
    await next.get('/sign-in/mfa')
    const signedIn = await next.post('/sign-in/mfa', {
      code: totp.codeAt(account.totpSecret!, Date.now() + 30_000),
    })
    assert.equal(signedIn.location, '/')
  })
})

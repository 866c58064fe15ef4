import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, STRONG_PASSWORD } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { totp } from '#services/totp'
import ResetPassword from '#actions/auth/reset_password'
import RequestPasswordReset from '#actions/auth/request_password_reset'
import PasswordReset from '#models/password_reset'
import { DEVICE_COOKIE } from '#services/device_cookies'
import { CLI_META } from '#services/audit'
import { lastMailTo, linkIn } from '#tests/helpers/smtp'

/** 30 wrong passwords for one account, spread over 6 source addresses */
async function sprayWrongPasswords(email: string) {
  for (let address = 1; address <= 6; address++) {
    const attacker = new WebClient()
    for (let attempt = 0; attempt < 5; attempt++) {
      await attacker.post(
        '/sign-in',
        { email, password: `Wrong-Guess-${address}-${attempt}-xyz` },
        { headers: { 'x-forwarded-for': `203.0.113.${address}` } }
      )
    }
  }
}

test.group('Security | nobody can lock an account owner out', (group) => {
  group.each.setup(resetDatabase())

  test('after 30 wrong passwords from 6 addresses, the owner signs in at once from a browser holding its device cookie', async ({
    assert,
  }) => {
    const owner = await createAccount({ role: 'owner' })
    const browser = new WebClient()
    await browser.signIn(owner.email, owner.password, owner.totpSecret!)
    assert.isTrue(browser.cookies.has(DEVICE_COOKIE), 'a complete sign-in leaves a device cookie')
    await browser.get('/')
    await browser.post('/sign-out', {})
    await browser.get('/sign-in')

    await sprayWrongPasswords(owner.email)

    const again = await browser.post(
      '/sign-in',
      { email: owner.email, password: owner.password },
      { headers: { 'x-forwarded-for': '198.51.100.7' } }
    )
    assert.equal(again.status, 302, again.text.slice(0, 200))
    assert.equal(again.location, '/sign-in/mfa')
  }).timeout(60_000)

  test('from a new browser, the account-wide limit applies after the same 30 failures', async ({
    assert,
  }) => {
    const owner = await createAccount({ role: 'owner' })
    await sprayWrongPasswords(owner.email)

    const stranger = new WebClient()
    const refused = await stranger.post(
      '/sign-in',
      { email: owner.email, password: owner.password },
      { headers: { 'x-forwarded-for': '198.51.100.8' } }
    )
    assert.equal(refused.status, 429)
    assert.isAbove(Number(refused.headers.get('retry-after')), 3600)
  }).timeout(60_000)

  test('a device cookie of another account does not lift the limit', async ({ assert }) => {
    const owner = await createAccount({ role: 'owner' })
    const other = await createAccount()
    const browser = new WebClient()
    await browser.signIn(other.email, other.password, other.totpSecret!)
    await browser.get('/')
    await browser.post('/sign-out', {})
    await browser.get('/sign-in')

    await sprayWrongPasswords(owner.email)

    const refused = await browser.post(
      '/sign-in',
      { email: owner.email, password: owner.password },
      { headers: { 'x-forwarded-for': '198.51.100.9' } }
    )
    assert.equal(refused.status, 429)
  }).timeout(60_000)

  test('a forged device cookie is ignored', async ({ assert }) => {
    const owner = await createAccount({ role: 'owner' })
    await sprayWrongPasswords(owner.email)

    const forger = new WebClient()
    forger.cookies.set(
      DEVICE_COOKIE,
      's:W3siYSI6ImZvcmdlZCIsImQiOiJhYWFhYWFhYWFhYWFhYWFhYWFhIn1d.bad'
    )
    const refused = await forger.post(
      '/sign-in',
      { email: owner.email, password: owner.password },
      { headers: { 'x-forwarded-for': '198.51.100.10' } }
    )
    assert.equal(refused.status, 429)
  }).timeout(60_000)

  test('a completed password reset clears the account-wide counter', async ({ assert }) => {
    const owner = await createAccount({ role: 'owner' })
    await sprayWrongPasswords(owner.email)

    await new RequestPasswordReset().execute({
      email: owner.email,
      meta: { ip: '198.51.100.11', userAgent: 'test' },
    })
    const token = linkIn(lastMailTo(owner.email)!, '/password/reset/').split('/').at(-1)!
    assert.isNotNull(await PasswordReset.query().first())
    await new ResetPassword().execute({ token, password: `${STRONG_PASSWORD}-new`, meta: CLI_META })

    const fresh = new WebClient()
    const accepted = await fresh.post(
      '/sign-in',
      { email: owner.email, password: `${STRONG_PASSWORD}-new` },
      { headers: { 'x-forwarded-for': '198.51.100.12' } }
    )
    assert.equal(accepted.status, 302)
    assert.equal(accepted.location, '/sign-in/mfa')
    // the second factor still follows
    const code = totp.codeAt(owner.totpSecret!, Date.now())
    assert.match(code, /^\d{6}$/)
  }).timeout(60_000)
})

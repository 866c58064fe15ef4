import { DateTime } from 'luxon'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { MessageBuilder } from '@adonisjs/core/helpers'
import AuditEvent from '#models/audit_event'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient, withoutCsrf } from '#tests/helpers/web_client'
import { totp } from '#services/totp'

test.group('Sign-in | two steps', (group) => {
  group.each.setup(resetDatabase)

  test('password then TOTP code signs in', async ({ assert }) => {
    const account = await createAccount()
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const home = await web.get('/')
    assert.equal(home.status, 200)
    assert.include(home.text, account.organization.name)
  })

  test('a password-verified session reaches nothing but the second-factor step', async ({
    assert,
  }) => {
    const account = await createAccount()
    const web = new WebClient()
    const step = await web.submitPassword(account.email, account.password)
    assert.equal(step.location, '/sign-in/mfa')
    for (const path of [
      '/',
      '/settings/security',
      '/settings/members',
      `/organizations/${account.organization.publicId}`,
    ]) {
      const response = await web.get(path)
      assert.equal(response.status, 302, path)
      assert.equal(response.location, '/sign-in/mfa', path)
    }
  })

  test('a TOTP code is accepted once, never twice', async ({ assert }) => {
    const account = await createAccount()
    const now = Date.now()
    const first = new WebClient()
    await first.signIn(account.email, account.password, account.totpSecret!, now)

    const second = new WebClient()
    await second.submitPassword(account.email, account.password)
    await second.get('/sign-in/mfa')
    const replay = await second.post('/sign-in/mfa', {
      code: totp.codeAt(account.totpSecret!, now),
    })
    assert.equal(replay.status, 422)
    assert.include(replay.text, 'already used')
  })

  test('a recovery code works once, never twice', async ({ assert }) => {
    const account = await createAccount()
    const [code] = account.recoveryCodes

    const first = new WebClient()
    await first.submitPassword(account.email, account.password)
    await first.get('/sign-in/mfa')
    const accepted = await first.post('/sign-in/mfa', { code })
    assert.equal(accepted.status, 302)
    assert.equal((await first.get('/')).status, 200)

    const second = new WebClient()
    await second.submitPassword(account.email, account.password)
    await second.get('/sign-in/mfa')
    const refused = await second.post('/sign-in/mfa', { code })
    assert.equal(refused.status, 422)
    assert.equal((await second.get('/')).location, '/sign-in/mfa')
  })

  test('an unknown email and a wrong password get the same status and body', async ({ assert }) => {
    const account = await createAccount()
    const unknown = await new WebClient().submitPassword(
      'nobody@example.org',
      'Whatever-Password-123'
    )
    const wrong = await new WebClient().submitPassword(account.email, 'Whatever-Password-123')
    assert.equal(unknown.status, 422)
    assert.equal(wrong.status, unknown.status)
    assert.equal(
      withoutCsrf(wrong.text).replace(account.email, 'EMAIL'),
      withoutCsrf(unknown.text).replace('nobody@example.org', 'EMAIL')
    )
  })

  test('the 6th failed sign-in within a minute is refused with 429 and Retry-After', async ({
    assert,
  }) => {
    const account = await createAccount()
    const web = new WebClient()
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await web.submitPassword(account.email, 'Wrong-Password-000')
      assert.equal(response.status, 422, `attempt ${attempt}`)
    }
    const sixth = await web.submitPassword(account.email, account.password)
    assert.equal(sixth.status, 429)
    assert.isAbove(Number(sixth.headers.get('retry-after')), 0)
    const failures = await AuditEvent.query()
      .where('event', 'sign_in.failed')
      .where('subject', account.email)
    assert.lengthOf(failures, 5)
  })

  test('a locked account cannot sign in, with the usual message', async ({ assert }) => {
    const account = await createAccount()
    account.user.lockedAt = DateTime.now()
    await account.user.save()
    const response = await new WebClient().submitPassword(account.email, account.password)
    assert.equal(response.status, 422)
    assert.include(response.text, 'The email or password is incorrect.')
  })
})

test.group('Sign-in | sessions', (group) => {
  group.each.setup(resetDatabase)

  test('a session cookie captured before sign-in is not authenticated after it', async ({
    assert,
  }) => {
    const account = await createAccount()
    const web = new WebClient()
    await web.get('/sign-in')
    const before = web.cookieHeader()
    await web.signIn(account.email, account.password, account.totpSecret!)
    assert.notEqual(web.cookieHeader(), before)

    const attacker = await fetch(new URL('/', web.baseUrl), {
      redirect: 'manual',
      headers: { cookie: before },
    })
    assert.equal(attacker.status, 302)
    assert.equal(attacker.headers.get('location'), '/sign-in')
  })

  test('a session cookie replayed after sign-out is not authenticated', async ({ assert }) => {
    const account = await createAccount()
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const signedIn = web.cookieHeader()
    await web.get('/')
    const signOut = await web.post('/sign-out')
    assert.equal(signOut.location, '/sign-in')

    const replay = await fetch(new URL('/', web.baseUrl), {
      redirect: 'manual',
      headers: { cookie: signedIn },
    })
    assert.equal(replay.status, 302)
    assert.equal(replay.headers.get('location'), '/sign-in')
  })

  test('an idle session past the timeout is sent back to sign-in', async ({ assert }) => {
    const account = await createAccount()
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    assert.equal((await web.get('/')).status, 200)

    // Age the stored session as if the user had been away 31 minutes.
    const row = await db.from('sessions').where('user_id', String(account.user.id)).firstOrFail()
    const data = new MessageBuilder().verify<Record<string, any>>(row.data, row.id)!
    data['auth.lastSeenAt'] = Date.now() - 31 * 60 * 1000
    await db
      .from('sessions')
      .where('id', row.id)
      .update({ data: new MessageBuilder().build(data, undefined, row.id) })

    const response = await web.get('/')
    assert.equal(response.status, 302)
    assert.equal(response.location, '/sign-in')
  })

  test('the session cookie has no max-age, is HttpOnly and SameSite=Lax', async ({ assert }) => {
    const account = await createAccount()
    const response = await fetch(new URL('/sign-in', new WebClient().baseUrl))
    const cookie = response.headers.getSetCookie().find((line) => line.includes('sextant-session'))!
    assert.match(cookie, /HttpOnly/i)
    assert.match(cookie, /SameSite=Lax/i)
    assert.notMatch(cookie, /Max-Age|Expires/i)
    assert.isDefined(account)
  })
})

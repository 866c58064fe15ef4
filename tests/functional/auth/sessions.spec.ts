import { test } from '@japa/runner'
import MfaFactor from '#models/mfa_factor'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'

test.group('Sessions page', (group) => {
  group.each.setup(resetDatabase)

  test("lists the user's sessions and signs out another one", async ({ assert }) => {
    const account = await createAccount()
    const laptop = new WebClient()
    await laptop.signIn(account.email, account.password, account.totpSecret!)
    const phone = new WebClient()
    await phone.signIn(account.email, account.password, account.totpSecret!, Date.now() + 30_000)

    const page = await laptop.get('/settings/sessions')
    const handles = [...page.text.matchAll(/\/settings\/sessions\/([a-f0-9]{24})\/revoke/g)].map(
      (match) => match[1]
    )
    assert.lengthOf(handles, 1, 'only the other session can be signed out from here')
    assert.include(page.text, 'This session')

    const revoke = await laptop.post(`/settings/sessions/${handles[0]}/revoke`)
    assert.equal(revoke.location, '/settings/sessions')
    assert.equal((await phone.get('/')).location, '/sign-in')
    assert.equal((await laptop.get('/')).status, 200)
  })

  test('"sign out all other sessions" keeps only the current one', async ({ assert }) => {
    const account = await createAccount()
    const clients = [new WebClient(), new WebClient(), new WebClient()]
    await clients[0].signIn(account.email, account.password, account.totpSecret!)
    await clients[1].signIn(
      account.email,
      account.password,
      account.totpSecret!,
      Date.now() + 30_000
    )
    await clients[2].submitPassword(account.email, account.password)
    await clients[2].get('/sign-in/mfa')
    await clients[2].post('/sign-in/mfa', { code: account.recoveryCodes[0] })
    assert.equal((await clients[2].get('/')).status, 200)
    await clients[0].get('/settings/sessions')
    await clients[0].post('/settings/sessions/revoke-others')
    assert.equal((await clients[0].get('/')).status, 200)
    assert.equal((await clients[1].get('/')).location, '/sign-in')
    assert.equal((await clients[2].get('/')).location, '/sign-in')
  })

  test("another user's session handle is a 404", async ({ assert }) => {
    const alice = await createAccount()
    const bob = await createAccount()
    const aliceWeb = new WebClient()
    await aliceWeb.signIn(alice.email, alice.password, alice.totpSecret!)
    const aliceOther = new WebClient()
    await aliceOther.signIn(alice.email, alice.password, alice.totpSecret!, Date.now() + 30_000)
    const handle = /\/settings\/sessions\/([a-f0-9]{24})\/revoke/.exec(
      (await aliceWeb.get('/settings/sessions')).text
    )![1]

    const bobWeb = new WebClient()
    await bobWeb.signIn(bob.email, bob.password, bob.totpSecret!)
    await bobWeb.get('/settings/sessions')
    assert.equal((await bobWeb.post(`/settings/sessions/${handle}/revoke`)).status, 404)
    assert.equal((await aliceOther.get('/')).status, 200)
  })
})

test.group('Admin area', (group) => {
  group.each.setup(resetDatabase)

  test('is a 404 for anyone but a superuser', async ({ assert }) => {
    const owner = await createAccount({ role: 'owner' })
    const web = new WebClient()
    await web.signIn(owner.email, owner.password, owner.totpSecret!)
    assert.equal((await web.get('/admin-test/users')).status, 404)
  })

  test('a superuser locks an account, which signs it out everywhere', async ({ assert }) => {
    const admin = await createAccount({ role: 'owner', superuser: true })
    const target = await createAccount()
    const targetWeb = new WebClient()
    await targetWeb.signIn(target.email, target.password, target.totpSecret!)

    const web = new WebClient()
    await web.signIn(admin.email, admin.password, admin.totpSecret!)
    const users = await web.get('/admin-test/users')
    assert.include(users.text, target.email)
    const lock = await web.post(`/admin-test/users/${target.user.publicId}/lock`)
    assert.equal(lock.location, '/admin-test/users')
    assert.equal((await targetWeb.get('/')).location, '/sign-in')
    const retry = await new WebClient().submitPassword(target.email, target.password)
    assert.equal(retry.status, 422)
  })

  test('resetting MFA sends the user back to enrolment at next sign-in', async ({ assert }) => {
    const admin = await createAccount({ role: 'owner', superuser: true })
    const target = await createAccount()
    const web = new WebClient()
    await web.signIn(admin.email, admin.password, admin.totpSecret!)
    await web.get('/admin-test/users')
    await web.post(`/admin-test/users/${target.user.publicId}/reset-mfa`)
    const step = await new WebClient().submitPassword(target.email, target.password)
    assert.equal(step.location, '/mfa/setup')
    const audit = await web.get('/admin-test/audit?event=mfa.reset')
    assert.include(audit.text, target.email)
  })
})

test.group('Replacing the authenticator', (group) => {
  group.each.setup(resetDatabase)

  test('retires the old authenticator and signs out the other sessions', async ({ assert }) => {
    const account = await createAccount()
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const phone = new WebClient()
    await phone.signIn(account.email, account.password, account.totpSecret!, Date.now() + 30_000)

    const setup = await web.get('/mfa/setup')
    const secret = /data-secret="([A-Z2-7]+)"/.exec(setup.text)![1]
    const { totp } = await import('#services/totp')
    const confirmed = await web.post('/mfa/setup', { code: totp.codeAt(secret, Date.now()) })
    assert.equal(confirmed.location, '/mfa/recovery-codes')
    assert.equal((await web.get('/mfa/recovery-codes')).status, 200)

    assert.equal((await phone.get('/')).location, '/sign-in')
    assert.equal((await web.get('/')).status, 200)

    // Only the new authenticator remains, and the old recovery codes are gone.
    const factors = await MfaFactor.query().where('user_id', account.user.id)
    assert.lengthOf(factors, 1)
    assert.isNotNull(factors[0].confirmedAt)
    const next = new WebClient()
    await next.submitPassword(account.email, account.password)
    await next.get('/sign-in/mfa')
    assert.equal((await next.post('/sign-in/mfa', { code: account.recoveryCodes[1] })).status, 422)
  })
})

test.group('Admin area | search', (group) => {
  group.each.setup(resetDatabase)

  test('user search matches LIKE wildcards literally', async ({ assert }) => {
    const admin = await createAccount({ role: 'owner', superuser: true })
    const other = await createAccount()
    const web = new WebClient()
    await web.signIn(admin.email, admin.password, admin.totpSecret!)
    const byName = await web.get(
      `/admin-test/users?q=${encodeURIComponent(other.email.slice(0, 8))}`
    )
    assert.include(byName.text, other.email)
    const wildcard = await web.get('/admin-test/users?q=%25')
    assert.notInclude(wildcard.text, other.email)
  })
})

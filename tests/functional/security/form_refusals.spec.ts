import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'

/**
 * A refused form (FormRefusalException) is rendered by the exception
 * handler alone, by client kind: drawn again in place, or flashed next to
 * its field and sent back; an htmx request gets its fragment or follows
 * HX-Location; a JSON client gets { errors: [{ code, message, field }] }.
 */
test.group('Refused forms, rendered by the exception handler', (group) => {
  group.each.setup(resetDatabase())

  async function signedInOwner() {
    const owner = await createAccount({ role: 'owner' })
    const web = new WebClient()
    await web.signIn(owner.email, owner.password, owner.totpSecret!)
    return { owner, web }
  }

  test('a page form the controller names is drawn again in place with the status and the input', async ({
    assert,
  }) => {
    const web = new WebClient()
    const refused = await web.submitPassword('nobody@example.org', 'Wrong-Password-123')
    assert.equal(refused.status, 422)
    assert.match(
      refused.text,
      /<div class="form-error" role="alert">The email or password is incorrect\.<\/div>/
    )
    assert.include(refused.text, 'action="/sign-in"', 'the form itself, not an error page')
    assert.include(refused.text, 'value="nobody@example.org"', 'the typed email is kept')
  })

  test('otherwise the message is flashed next to its field with the old input, and the browser goes back', async ({
    assert,
  }) => {
    const other = await createAccount()
    const { web } = await signedInOwner()
    await web.get('/settings/security')
    const refused = await web.post('/settings/profile', {
      fullName: 'Kept Name',
      email: other.email,
    })
    assert.equal(refused.status, 302)
    assert.equal(refused.location, '/settings/security')
    const page = await web.get('/settings/security')
    assert.match(
      page.text,
      /name="email"[^>]*>[\s\S]{0,200}<span class="field-error">Another account already uses this email address\.<\/span>/,
      'the message sits under the email field'
    )
    assert.include(page.text, 'value="Kept Name"', 'the other input is put back')
  })

  test('a refusal without a field becomes the page notice after the redirect, and no password is put back', async ({
    assert,
  }) => {
    const viewer = await createAccount({ role: 'viewer' })
    const web = new WebClient()
    await web.signIn(viewer.email, viewer.password, viewer.totpSecret!)
    await web.get('/settings/tokens')
    const refused = await web.post('/settings/tokens', { name: 'Kept token name' })
    assert.equal(refused.status, 302)
    assert.equal(refused.location, '/settings/tokens')
    const page = await web.get('/settings/tokens')
    assert.match(
      page.text,
      /class="flash flash--error" role="alert">\s*<span>Your role does not allow creating API tokens\.<\/span>/
    )

    await web.get('/settings/security')
    await web.post('/settings/password', {
      currentPassword: 'Not-The-Password-123',
      password: 'Brand-New-Harbour-Kettle-77',
      passwordConfirmation: 'Brand-New-Harbour-Kettle-77',
    })
    const security = await web.get('/settings/security')
    assert.include(security.text, 'Your current password is not correct.')
    assert.notInclude(security.text, 'Brand-New-Harbour-Kettle-77', 'a password is never put back')
  })

  test('htmx gets the fragment the controller names, with the message and the status', async ({
    assert,
  }) => {
    const { owner, web } = await signedInOwner()
    await web.get('/settings/members')
    const refused = await web.post(
      '/settings/members/invites',
      { email: owner.email, role: 'member' },
      { headers: { 'hx-request': 'true', 'hx-target': 'members-panel' } }
    )
    assert.equal(refused.status, 422)
    assert.match(
      refused.text,
      /^\s*(<!--[\s\S]*?-->\s*)?<div id="members-panel"/,
      'the panel alone'
    )
    assert.notInclude(refused.text, '<html')
    assert.include(refused.text, `${owner.email} is already a member.`)
    assert.include(refused.text, 'hx-swap-oob="true"', 'the message goes to the flash region')
  })

  test('htmx on a redirected form follows HX-Location to the form, where the message waits', async ({
    assert,
  }) => {
    const other = await createAccount()
    const { web } = await signedInOwner()
    await web.get('/settings/security')
    const refused = await web.post(
      '/settings/profile',
      { fullName: 'Kept Name', email: other.email },
      { headers: { 'hx-request': 'true' } }
    )
    assert.equal(refused.status, 204)
    assert.equal(refused.headers.get('hx-location'), '/settings/security')
    const page = await web.get('/settings/security')
    assert.include(page.text, 'Another account already uses this email address.')
  })

  test('a JSON client gets { errors: [{ code, message, field }] } with the status', async ({
    assert,
  }) => {
    const other = await createAccount()
    const { web } = await signedInOwner()
    await web.get('/settings/security')
    const taken = await web.post(
      '/settings/profile',
      { fullName: 'Kept Name', email: other.email },
      { headers: { accept: 'application/json' } }
    )
    assert.equal(taken.status, 422)
    assert.match(taken.headers.get('content-type') ?? '', /json/)
    const body = JSON.parse(taken.text)
    assert.deepEqual(body.errors, [
      {
        code: 'E_EMAIL_TAKEN',
        message: 'Another account already uses this email address.',
        field: 'email',
      },
    ])
    assert.equal(body.error.code, 'E_EMAIL_TAKEN')

    const anonymous = new WebClient()
    await anonymous.get('/sign-in')
    const wrong = await anonymous.post(
      '/sign-in',
      { email: 'nobody@example.org', password: 'Wrong-Password-123' },
      { headers: { accept: 'application/json' } }
    )
    assert.equal(wrong.status, 422)
    assert.deepEqual(JSON.parse(wrong.text).errors, [
      {
        code: 'E_INVALID_CREDENTIALS',
        message: 'The email or password is incorrect.',
        field: null,
      },
    ])
  })

  test('a refused recovery code reopens the recovery-code form, a refused TOTP code does not', async ({
    assert,
  }) => {
    const account = await createAccount()
    const web = new WebClient()
    await web.submitPassword(account.email, account.password)
    await web.get('/sign-in/mfa')
    const recovery = await web.post('/sign-in/mfa', {
      code: 'abcd-efgh-ijkl',
      via: 'recovery-code',
    })
    assert.equal(recovery.status, 422)
    assert.include(recovery.text, '<details class="recovery-code" open>')
    const authenticator = await web.post('/sign-in/mfa', { code: '000000' })
    assert.equal(authenticator.status, 422)
    assert.include(authenticator.text, '<details class="recovery-code" >')
  })
})

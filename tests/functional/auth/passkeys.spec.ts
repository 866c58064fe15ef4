import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'

const localhost = `http://localhost:${process.env.PORT}`

test.group('Passkeys | endpoints', (group) => {
  group.each.setup(resetDatabase)

  test('sign-in options need a password-verified session', async ({ assert }) => {
    const web = new WebClient(localhost)
    const response = await web.get('/sign-in/passkey/options', { accept: 'application/json' })
    assert.equal(response.status, 401)
  })

  test('a user without a passkey gets a clear 422', async ({ assert }) => {
    const account = await createAccount()
    const web = new WebClient(localhost)
    await web.submitPassword(account.email, account.password)
    const response = await web.get('/sign-in/passkey/options', { accept: 'application/json' })
    assert.equal(response.status, 422)
    assert.include(response.text, 'You have no passkey yet.')
  })

  test('registration options name the relying party and exclude nothing new', async ({
    assert,
  }) => {
    const account = await createAccount()
    const web = new WebClient(localhost)
    await web.signIn(account.email, account.password, account.totpSecret!)
    const response = await web.get('/settings/passkeys/options', { accept: 'application/json' })
    assert.equal(response.status, 200)
    const options = JSON.parse(response.text)
    assert.equal(options.rp.id, 'localhost')
    assert.equal(options.user.name, account.email)
    assert.isString(options.challenge)
    assert.deepEqual(options.excludeCredentials, [])
  })

  test('passkeys are refused on an IP address, which browsers cannot bind them to', async ({
    assert,
  }) => {
    const account = await createAccount()
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const response = await web.get('/settings/passkeys/options', { accept: 'application/json' })
    assert.equal(response.status, 422)
    assert.include(response.text, 'Passkeys work only on the address Sextant is configured for')
  })

  test('a forged registration answer is refused with 422 and stores nothing', async ({
    assert,
  }) => {
    const account = await createAccount()
    const web = new WebClient(localhost)
    await web.signIn(account.email, account.password, account.totpSecret!)
    await web.get('/settings/security')
    await web.get('/settings/passkeys/options', { accept: 'application/json' })
    const response = await web.request('POST', '/settings/passkeys', {
      headers: {
        'accept': 'application/json',
        'content-type': 'application/json',
        'x-csrf-token': web.csrfToken ?? '',
      },
      json: { credential: { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: {} } },
    })
    assert.equal(response.status, 422)
    const { default: MfaFactor } = await import('#models/mfa_factor')
    assert.lengthOf(await MfaFactor.query().where('kind', 'passkey'), 0)
  })
})

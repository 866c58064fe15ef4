import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { MessageBuilder } from '@adonisjs/core/helpers'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'

async function createTokenThroughPage(web: WebClient, name: string) {
  await web.get('/settings/tokens')
  const response = await web.post('/settings/tokens', {
    'name': name,
    'abilities[]': 'read',
    'expiresInDays': '30',
  })
  const page = await web.get('/settings/tokens')
  const value = /data-testid="new-token">([^<]+)</.exec(page.text)?.[1] ?? null
  return { response, value, page }
}

test.group('API tokens', (group) => {
  group.each.setup(resetDatabase)

  test('a token is shown once and authenticates GET /api/v1/me with Bearer or X-Api-Key', async ({
    assert,
    client,
  }) => {
    const account = await createAccount({ role: 'admin' })
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const { value } = await createTokenThroughPage(web, 'CI pipeline')
    assert.match(value!, /^sxt_/)
    assert.notInclude((await web.get('/settings/tokens')).text, value!)

    const bearer = await client.get('/api/v1/me').header('authorization', `Bearer ${value}`)
    bearer.assertStatus(200)
    assert.equal(bearer.body().data.email, account.email)
    assert.equal(bearer.body().data.publicId, account.user.publicId)
    assert.notProperty(bearer.body().data, 'id')
    assert.deepEqual(bearer.body().data.organizations, [
      { publicId: account.organization.publicId, name: account.organization.name, role: 'admin' },
    ])
    const apiKey = await client.get('/api/v1/me').header('x-api-key', value!)
    apiKey.assertStatus(200)
  })

  test('the raw token table holds no token in clear', async ({ assert }) => {
    const account = await createAccount()
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const { value } = await createTokenThroughPage(web, 'laptop')
    const secretPart = value!.split('.').pop()!
    const rows = await db.from('auth_access_tokens').select('*')
    const dump = JSON.stringify(rows)
    assert.notInclude(dump, value!)
    assert.notInclude(dump, secretPart)
  })

  test('a revoked or wrong token is refused with 401', async ({ assert, client }) => {
    const account = await createAccount()
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const { value, page } = await createTokenThroughPage(web, 'temporary')
    const tokenId = /\/settings\/tokens\/([^/]+)\/revoke/.exec(page.text)![1]
    const revoked = await web.post(`/settings/tokens/${tokenId}/revoke`)
    assert.equal(revoked.location, '/settings/tokens')
    ;(await client.get('/api/v1/me').header('authorization', `Bearer ${value}`)).assertStatus(401)
    ;(
      await client.get('/api/v1/me').header('authorization', 'Bearer sxt_not.a-token')
    ).assertStatus(401)
  })

  test('creating a token needs a recent re-authentication', async ({ assert }) => {
    const account = await createAccount()
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const row = await db.from('sessions').where('user_id', String(account.user.id)).firstOrFail()
    const data = new MessageBuilder().verify<Record<string, any>>(row.data, row.id)!
    data['auth.reauthAt'] = Date.now() - 11 * 60 * 1000
    await db
      .from('sessions')
      .where('id', row.id)
      .update({ data: new MessageBuilder().build(data, undefined, row.id) })

    const { response } = await createTokenThroughPage(web, 'too late')
    assert.equal(response.location, '/reauthenticate')
    await web.get('/reauthenticate')
    const confirmed = await web.post('/reauthenticate', { password: account.password })
    assert.equal(confirmed.status, 302)
    const retry = await createTokenThroughPage(web, 'after confirming')
    assert.match(retry.value!, /^sxt_/)
  })

  test('a user without a second factor cannot hold a token', async ({ assert }) => {
    const account = await createAccount({ withTotp: false })
    const { default: CreateApiToken, TokenRefusedException } =
      await import('#actions/tokens/create_api_token')
    const { CLI_META } = await import('#services/audit')
    await assert.rejects(
      () =>
        new CreateApiToken().execute({
          user: account.user,
          membership: account.membership,
          name: 'x',
          abilities: ['read'],
          expiresInDays: 1,
          meta: CLI_META,
        }),
      TokenRefusedException as any
    )
  })
})

test.group('Secrets at rest', (group) => {
  group.each.setup(resetDatabase)

  test('the raw row of a TOTP factor does not contain the base32 secret', async ({ assert }) => {
    const account = await createAccount()
    const rows = await db.from('mfa_factors').where('user_id', account.user.id)
    assert.lengthOf(rows, 1)
    const dump = JSON.stringify(rows)
    assert.notInclude(dump, account.totpSecret!)
    assert.notInclude(dump.toUpperCase(), account.totpSecret!)
    assert.match(rows[0].secret, /^sbx1\./)
  })

  test('recovery codes are stored as digests only', async ({ assert }) => {
    const account = await createAccount()
    const dump = JSON.stringify(await db.from('recovery_codes').where('user_id', account.user.id))
    for (const code of account.recoveryCodes) {
      assert.notInclude(dump, code)
      assert.notInclude(dump, code.replace('-', ''))
    }
  })
})

import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import CreateApiToken from '#actions/tokens/create_api_token'
import { CLI_META } from '#services/audit'

async function accountWithToken() {
  const account = await createAccount()
  const { value } = await new CreateApiToken().execute({
    user: account.user,
    membership: account.membership,
    name: 'one header',
    abilities: ['read'],
    expiresInDays: null,
    meta: CLI_META,
  })
  return { account, token: value }
}

test.group('API tokens: the header a client may type', (group) => {
  group.each.setup(resetDatabase)

  const accepted: [string, (token: string) => Record<string, string>][] = [
    ['Authorization: Bearer <token>', (token) => ({ authorization: `Bearer ${token}` })],
    ['Authorization: <token>', (token) => ({ authorization: token })],
    ['X-Api-Key: <token>', (token) => ({ 'x-api-key': token })],
    ['X-Api-Key: Bearer <token>', (token) => ({ 'x-api-key': `Bearer ${token}` })],
  ]
  for (const [form, headers] of accepted) {
    test(`GET /api/v1/me accepts ${form}`, async ({ assert, client }) => {
      const { account, token } = await accountWithToken()

      const response = await client.get('/api/v1/me').headers(headers(token))

      response.assertStatus(200)
      assert.equal(response.body().data.email, account.email)
    })
  }

  test('refuses the token under another scheme, or a wrong token in any form, with 401', async ({
    assert,
    client,
  }) => {
    const { token } = await accountWithToken()
    const attempts: Record<string, string>[] = [
      { authorization: `Basic ${token}` },
      { authorization: `Token ${token}` },
      { authorization: `${token}x` },
      { 'x-api-key': `Bearer ${token}x` },
      // Authorization wins: a wrong one is not rescued by a right X-Api-Key
      { 'authorization': 'Bearer sxt_wrong.token', 'x-api-key': token },
    ]

    for (const headers of attempts) {
      const response = await client.get('/api/v1/me').headers(headers)
      assert.equal(response.status(), 401, JSON.stringify(headers))
    }
  })
})

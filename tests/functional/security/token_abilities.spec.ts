import { test } from '@japa/runner'
import Membership from '#models/membership'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { SAMPLES } from '#tests/helpers/documents'
import { WebClient } from '#tests/helpers/web_client'
import CreateApiToken, { TokenRefusedException } from '#actions/tokens/create_api_token'
import { CLI_META } from '#services/audit'

const BASE = () => `http://${process.env.HOST}:${process.env.PORT}`

function uploadBody() {
  const form = new FormData()
  form.append('category', 'policy')
  form.append('file', new Blob([SAMPLES.pdf()]), 'policy.pdf')
  return form
}

test.group('Security | API tokens never outreach their holder’s role', (group) => {
  group.each.setup(resetDatabase())

  test('a viewer cannot create a token, through the page or the action', async ({ assert }) => {
    const viewer = await createAccount({ role: 'viewer' })
    const web = new WebClient()
    await web.signIn(viewer.email, viewer.password, viewer.totpSecret!)
    const page = await web.get('/settings/tokens')
    assert.notInclude(page.text, 'action="/settings/tokens"')
    await web.post('/settings/tokens', { name: 'sneaky', abilities: ['read', 'write'] })
    const list = await web.get('/settings/tokens')
    assert.notInclude(list.text, 'sneaky')

    await assert.rejects(
      () =>
        new CreateApiToken().execute({
          user: viewer.user,
          membership: viewer.membership,
          name: 'sneaky',
          abilities: ['read'],
          expiresInDays: 1,
          meta: CLI_META,
        }),
      TokenRefusedException as any
    )
  })

  test('a token’s write ability stops working the moment its holder becomes a viewer', async ({
    assert,
  }) => {
    const member = await createAccount({ role: 'member' })
    const { value } = await new CreateApiToken().execute({
      user: member.user,
      membership: member.membership,
      name: 'ci',
      abilities: ['read', 'write'],
      expiresInDays: 1,
      meta: CLI_META,
    })
    const post = () =>
      fetch(`${BASE()}/api/v1/documents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${value}` },
        body: uploadBody(),
      })
    assert.equal((await post()).status, 201)

    await Membership.query().where('id', member.membership.id).update({ role: 'viewer' })
    const refused = await post()
    assert.equal(refused.status, 403)
    const read = await fetch(`${BASE()}/api/v1/documents`, {
      headers: { authorization: `Bearer ${value}` },
    })
    assert.equal(read.status, 200, 'reading still works for a viewer')
  })

  test('the glasses endpoint needs the assistant ability, not a read-only token', async ({
    assert,
  }) => {
    const member = await createAccount({ role: 'member' })
    const { value } = await new CreateApiToken().execute({
      user: member.user,
      membership: member.membership,
      name: 'read only',
      abilities: ['read'],
      expiresInDays: 1,
      meta: CLI_META,
    })
    const form = new FormData()
    form.append('prompt', 'hello')
    const response = await fetch(`${BASE()}/noa/mm`, {
      method: 'POST',
      headers: { authorization: `Bearer ${value}` },
      body: form,
    })
    assert.equal(response.status, 403)
    assert.include(await response.text(), 'assistant')
  })
})

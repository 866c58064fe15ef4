import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { SAMPLES } from '#tests/helpers/documents'
import { WebClient } from '#tests/helpers/web_client'
import CreateApiToken from '#actions/tokens/create_api_token'
import { CLI_META } from '#services/audit'

const BASE = () => `http://${process.env.HOST}:${process.env.PORT}`

test.group('Documents | the old system’s paths', (group) => {
  group.each.setup(resetDatabase())

  test('/compass/api/v1/documents/ answers as /api/v1/documents, with the same token checks', async ({
    assert,
  }) => {
    const member = await createAccount({ role: 'member' })
    const { value } = await new CreateApiToken().execute({
      user: member.user,
      membership: member.membership,
      name: 'old script',
      abilities: ['read', 'write'],
      expiresInDays: 1,
      meta: CLI_META,
    })
    const form = new FormData()
    form.append('category', 'policy')
    form.append('file', new Blob([SAMPLES.pdf()]), 'policy.pdf')
    const stored = await fetch(`${BASE()}/compass/api/v1/documents/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${value}` },
      body: form,
    })
    assert.equal(stored.status, 201)

    const [old, current] = await Promise.all(
      ['/compass/api/v1/documents/', '/api/v1/documents'].map((path) =>
        fetch(`${BASE()}${path}`, { headers: { authorization: `Bearer ${value}` } })
      )
    )
    assert.equal(old.status, 200)
    // the same documents (their signed file links differ by signature only)
    const ids = async (response: Response) =>
      ((await response.json()) as { data: { id: string; title: string }[] }).data.map(
        (document) => [document.id, document.title]
      )
    const oldIds = await ids(old)
    assert.lengthOf(oldIds, 1)
    assert.deepEqual(oldIds, await ids(current))

    const anonymous = await fetch(`${BASE()}/compass/api/v1/documents/`)
    assert.equal(anonymous.status, 401)
  })

  test('the old upload page sends a signed-in member to Documents', async ({ assert }) => {
    const member = await createAccount({ role: 'member' })
    const web = new WebClient()
    await web.signIn(member.email, member.password, member.totpSecret!)
    const response = await web.get('/compass/onboarding/upload-documents')
    assert.equal(response.status, 301)
    assert.equal(response.location, '/documents')
  })
})

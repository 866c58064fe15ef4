import { test } from '@japa/runner'
import Membership from '#models/membership'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import Thread from '../chat/thread.js'
import { createAllRoundModel, memberWithToken } from './helpers/assistant.js'
import { startFakeModelServer, type FakeModelServer } from './fake_model/fake_model_server.js'
import { glassesForm, postGlasses } from './fake_model/glasses.js'

test.group('Glasses endpoint (POST /noa/mm): the one header the app sends', (group) => {
  let fake: FakeModelServer
  group.setup(async () => {
    fake = await startFakeModelServer()
    return () => fake.close()
  })
  group.each.setup(() => fake.reset())
  group.each.setup(resetDatabase)

  const forms: [string, (token: string) => Record<string, string>][] = [
    ['Authorization: Bearer <token>', (token) => ({ Authorization: `Bearer ${token}` })],
    ['Authorization: <token>', (token) => ({ Authorization: token })],
    ['X-Api-Key: <token>', (token) => ({ 'X-Api-Key': token })],
    ['X-Api-Key: Bearer <token>', (token) => ({ 'X-Api-Key': `Bearer ${token}` })],
  ]
  for (const [form, header] of forms) {
    test(`answers with the token typed as ${form}`, async ({ assert }) => {
      const member = await memberWithToken()
      await createAllRoundModel(member.organization, fake.baseUrl)

      const response = await postGlasses(glassesForm({ messages: [] }), header(member.token))

      assert.equal(response.status, 200, response.text)
      assert.equal(response.json.user_prompt, 'What is the capital of France?')
    })
  }
})

test.group('Glasses endpoint (POST /noa/mm): a user in several organisations', (group) => {
  let fake: FakeModelServer
  group.setup(async () => {
    fake = await startFakeModelServer()
    return () => fake.close()
  })
  group.each.setup(() => fake.reset())
  group.each.setup(resetDatabase)

  /** a member of a first organisation who also joined a second one */
  async function memberOfTwo() {
    const member = await memberWithToken()
    const second = await createOrganization()
    await Membership.create({ organizationId: second.id, userId: member.user.id, role: 'member' })
    await createAllRoundModel(member.organization, fake.baseUrl)
    await createAllRoundModel(second, fake.baseUrl)
    return { member, first: member.organization, second }
  }

  async function threadOrganizations(userId: number) {
    const threads = await Thread.query().where('user_id', userId)
    return threads.map((thread) => thread.organizationId)
  }

  test('acts in the organisation named by ?organization= in the URL', async ({ assert }) => {
    const { member, second } = await memberOfTwo()

    const response = await postGlasses(
      glassesForm({ messages: [] }),
      { Authorization: `Bearer ${member.token}` },
      `/noa/mm?organization=${second.publicId}`
    )

    assert.equal(response.status, 200, response.text)
    assert.deepEqual(await threadOrganizations(member.user.id), [second.id])
  })

  test('acts in the first organisation when none is named', async ({ assert }) => {
    const { member, first } = await memberOfTwo()

    await postGlasses(glassesForm({ messages: [] }), { Authorization: `Bearer ${member.token}` })

    assert.deepEqual(await threadOrganizations(member.user.id), [first.id])
  })

  test('accepts the X-Sextant-Organization header naming the same organisation', async ({
    assert,
  }) => {
    const { member, second } = await memberOfTwo()

    const response = await postGlasses(
      glassesForm({ messages: [] }),
      { 'Authorization': `Bearer ${member.token}`, 'X-Sextant-Organization': second.publicId },
      `/noa/mm?organization=${second.publicId}`
    )

    assert.equal(response.status, 200, response.text)
    assert.deepEqual(await threadOrganizations(member.user.id), [second.id])
  })

  test('refuses with 403 an organisation the user is not in, an unknown one, or two different ones', async ({
    assert,
  }) => {
    const { member, first, second } = await memberOfTwo()
    const stranger = await createOrganization()
    const auth = { Authorization: `Bearer ${member.token}` }

    const attempts = [
      await postGlasses(
        glassesForm({ messages: [] }),
        auth,
        `/noa/mm?organization=${stranger.publicId}`
      ),
      await postGlasses(glassesForm({ messages: [] }), auth, '/noa/mm?organization=nope'),
      await postGlasses(glassesForm({ messages: [] }), {
        ...auth,
        'X-Sextant-Organization': stranger.publicId,
      }),
      await postGlasses(
        glassesForm({ messages: [] }),
        { ...auth, 'X-Sextant-Organization': first.publicId },
        `/noa/mm?organization=${second.publicId}`
      ),
    ]

    for (const attempt of attempts) {
      assert.equal(attempt.status, 403, attempt.text)
      assert.isString(attempt.json.errors[0].message)
    }
    assert.lengthOf(fake.requests, 0)
    assert.deepEqual(await threadOrganizations(member.user.id), [])
  })
})

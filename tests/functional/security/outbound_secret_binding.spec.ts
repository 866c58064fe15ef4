import { test } from '@japa/runner'
import { resetDatabase, db } from '#tests/helpers/database'
import { createConnection } from '#tests/helpers/connections'
import Connection from '#models/connection'
import AiModel from '#plugins/noa/ai/ai_model'
import { createAllRoundModel, memberWithToken } from '#plugins/noa/tests/helpers/assistant'
import {
  startFakeModelServer,
  type FakeModelServer,
} from '#plugins/noa/tests/fake_model/fake_model_server'
import { signedIn } from '#plugins/noa/tests/helpers/web'
import {
  allowedHostsEachTest,
  listen,
  makeRecentAuthStale,
  type Listener,
} from './outbound_fixtures.js'

/**
 * Issue #13, item 3: an admin who may not see the owner's API key
 * changed only the model's base URL, pressed Test, and received
 * `Authorization: Bearer sk-…` on their own listener. A stored secret is
 * bound to the origin it was saved for. The listener here is allowed by
 * the outbound policy, so only the binding stands between it and the key.
 */
const OWNER_KEY = 'sk-test-not-secret'

function editForm(model: AiModel, changes: Record<string, string>) {
  return {
    name: model.name,
    baseUrl: model.baseUrl,
    apiKey: '',
    model: model.model,
    canChat: '1',
    defaultChat: '1',
    ...changes,
  }
}

test.group('Security | a model’s stored key stays with its origin', (group) => {
  let fake: FakeModelServer
  let attacker: Listener
  group.setup(async () => {
    fake = await startFakeModelServer()
    attacker = await listen(() => ({ status: 401, body: '{"error":{"message":"no"}}' }))
    return async () => {
      await fake.close()
      await attacker.close()
    }
  })
  group.each.setup(() => {
    fake.reset()
    attacker.calls.length = 0
  })
  group.each.setup(resetDatabase())
  group.each.setup(allowedHostsEachTest('127.0.0.1'))

  async function ownersModelAndAdmin() {
    const owner = await memberWithToken({ role: 'owner' })
    const model = await createAllRoundModel(owner.organization, fake.baseUrl)
    const admin = await memberWithToken({ role: 'admin', organization: owner.organization })
    const web = await signedIn(admin)
    await web.get(`/assistant/models/${model.publicId}/edit`)
    return { model, web, admin }
  }

  test('changing only the base URL is refused inline until the key is typed again', async ({
    assert,
  }) => {
    const { model, web } = await ownersModelAndAdmin()

    const refused = await web.post(
      `/assistant/models/${model.publicId}`,
      editForm(model, { baseUrl: `${attacker.origin}/v1` })
    )
    const tested = await web.post(`/assistant/models/${model.publicId}/test`)

    assert.equal(refused.status, 422)
    assert.include(
      refused.text,
      `The base URL now points to ${attacker.origin}, but the stored key was saved for ${new URL(fake.baseUrl).origin}: type the API key again`
    )
    assert.include(refused.text, `value="${attacker.origin}/v1"`, 'the typed URL is kept')
    await model.refresh()
    assert.equal(model.baseUrl, fake.baseUrl)
    assert.include(tested.text, 'Chat works')
    assert.equal(fake.requestsTo('chat')[0].headers.authorization, `Bearer ${OWNER_KEY}`)
    assert.lengthOf(attacker.calls, 0)
  })

  test('with a key typed again the model moves, and the new host gets that key only', async ({
    assert,
  }) => {
    const { model, web } = await ownersModelAndAdmin()

    const saved = await web.post(
      `/assistant/models/${model.publicId}`,
      editForm(model, { baseUrl: `${attacker.origin}/v1`, apiKey: 'sk-admins-own-key' })
    )
    await web.post(`/assistant/models/${model.publicId}/test`)

    assert.equal(saved.status, 302)
    assert.lengthOf(attacker.calls, 1)
    assert.equal(attacker.calls[0].headers.authorization, 'Bearer sk-admins-own-key')
  })

  test('removing the stored key moves the model with no Authorization at all', async ({
    assert,
  }) => {
    const { model, web } = await ownersModelAndAdmin()

    const saved = await web.post(
      `/assistant/models/${model.publicId}`,
      editForm(model, { baseUrl: `${attacker.origin}/v1`, clearApiKey: '1' })
    )
    await web.post(`/assistant/models/${model.publicId}/test`)

    assert.equal(saved.status, 302)
    assert.lengthOf(attacker.calls, 1)
    assert.notProperty(attacker.calls[0].headers, 'authorization')
  })

  test('a key whose model was moved behind the form’s back is not sent', async ({ assert }) => {
    const { model, web } = await ownersModelAndAdmin()
    await db
      .from('noa_ai_models')
      .where('id', model.id)
      .update({ base_url: `${attacker.origin}/v1` })

    const tested = await web.post(`/assistant/models/${model.publicId}/test`)

    assert.include(
      tested.text,
      `its API key was saved for ${new URL(fake.baseUrl).origin}, not ${attacker.origin}: type the key again`
    )
    assert.lengthOf(attacker.calls, 0)
  })

  test('adding, changing and removing a model need a recent password or code check', async ({
    assert,
  }) => {
    const { model, web, admin } = await ownersModelAndAdmin()
    await makeRecentAuthStale(admin.user.id)

    const attempts = [
      await web.post('/assistant/models', editForm(model, { name: 'Another' })),
      await web.post(
        `/assistant/models/${model.publicId}`,
        editForm(model, { baseUrl: `${attacker.origin}/v1`, apiKey: 'sk-x' })
      ),
      await web.post(`/assistant/models/${model.publicId}/delete`),
    ]

    for (const attempt of attempts) {
      assert.equal(attempt.status, 302)
      assert.equal(attempt.location, '/reauthenticate')
    }
    assert.lengthOf(await AiModel.all(), 1)
    await model.refresh()
    assert.equal(model.baseUrl, fake.baseUrl)
  })
})

test.group('Security | a connection’s stored secret stays with its origin', (group) => {
  let attacker: Listener
  group.setup(async () => {
    attacker = await listen(() => ({ status: 200, body: '{"login":"x","workspace":"acme"}' }))
    return () => attacker.close()
  })
  group.each.setup(() => {
    attacker.calls.length = 0
  })
  group.each.setup(resetDatabase())
  group.each.setup(allowedHostsEachTest('127.0.0.1'))

  async function adminWithConnection() {
    const admin = await memberWithToken({ role: 'admin' })
    const connection = await createConnection(admin.organization)
    const web = await signedIn(admin)
    await web.get('/settings/connections')
    return { connection, web }
  }

  test('reconnecting an account at another address needs its token typed again', async ({
    assert,
  }) => {
    const { connection, web } = await adminWithConnection()

    const refused = await web.post('/settings/connections/fixture/connect', {
      'baseUrl': attacker.origin,
      'fields[workspace]': 'acme',
      'fields[token]': '',
    })

    assert.equal(refused.status, 422)
    assert.include(
      refused.text,
      `The address changed from ${new URL(process.env.FIXTURE_API_URL!).origin} to ${attacker.origin}: type the API token again`
    )
    await connection.refresh()
    assert.isNull(connection.baseUrl)
    assert.deepEqual(connection.openCredentials(), { token: 'good-token' })
    assert.lengthOf(attacker.calls, 0)
  })

  test('a base URL inside is refused by the outbound policy when connecting', async ({
    assert,
  }) => {
    process.env.OUTBOUND_ALLOWED_HOSTS = ''
    const { web } = await adminWithConnection()

    const refused = await web.post('/settings/connections/fixture/connect', {
      'baseUrl': attacker.origin,
      'fields[workspace]': 'other',
      'fields[token]': 'their-token',
    })

    assert.equal(refused.status, 422)
    assert.include(
      refused.text,
      'This address is refused by the outbound policy: 127.0.0.1 is a loopback address'
    )
    assert.lengthOf(await Connection.query().where('account_key', 'other'), 0)
    assert.lengthOf(attacker.calls, 0)
  })

  test('a stored base URL that now points inside is refused when tested', async ({ assert }) => {
    const admin = await memberWithToken({ role: 'admin' })
    const connection = await createConnection(admin.organization, { baseUrl: attacker.origin })
    process.env.OUTBOUND_ALLOWED_HOSTS = ''
    const web = await signedIn(admin)
    await web.get('/settings/connections')

    const tested = await web.post(
      `/settings/connections/${connection.publicId}/test`,
      {},
      { headers: { 'HX-Request': 'true' } }
    )

    assert.include(
      tested.text,
      'The address of Fixture Provider is refused by the outbound policy: 127.0.0.1 is a loopback address'
    )
    assert.lengthOf(attacker.calls, 0)
  })
})

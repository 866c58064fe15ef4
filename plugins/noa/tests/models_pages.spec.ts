import { test } from '@japa/runner'
import { resetDatabase, db } from '#tests/helpers/database'
import AiModel from '../ai/ai_model.js'
import { defaultModelFor } from '../ai/models.js'
import { createAllRoundModel, memberWithToken } from './helpers/assistant.js'
import { startFakeModelServer, type FakeModelServer } from './fake_model/fake_model_server.js'
import { signedIn } from './helpers/web.js'

const FORM = {
  name: 'Local Llama',
  baseUrl: 'http://127.0.0.1:11434/v1',
  apiKey: 'sk-live-very-secret-key',
  model: 'llama3.2',
  canChat: '1',
  defaultChat: '1',
  temperature: '0.3',
  maxTokens: '256',
  systemPrompt: 'Be brief.',
}

test.group('AI models page', (group) => {
  let fake: FakeModelServer
  group.setup(async () => {
    fake = await startFakeModelServer()
    return () => fake.close()
  })
  group.each.setup(() => fake.reset())
  group.each.setup(resetDatabase)

  test('the page tells how to point the Noa app here, with this organisation in the URL', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    const web = await signedIn(member)

    const page = await web.get('/assistant/models')

    assert.match(page.text, /data-testid="endpoint-url">http:\/\/[^<]+\/noa\/mm</)
    assert.include(page.text, `?organization=${member.organization.publicId}`)
  })

  test('an administrator adds a model; its API key is stored sealed', async ({ assert }) => {
    const admin = await memberWithToken({ role: 'admin' })
    const web = await signedIn(admin)
    await web.get('/assistant/models')

    const saved = await web.post('/assistant/models', FORM)

    assert.equal(saved.status, 302)
    assert.equal(saved.location, '/assistant/models')
    const row = await db.from('noa_ai_models').firstOrFail()
    assert.notInclude(row.api_key, 'very-secret')
    const resolved = await defaultModelFor(admin.organization.id, 'chat')
    assert.deepInclude(resolved, {
      name: 'Local Llama',
      apiKey: 'sk-live-very-secret-key',
      model: 'llama3.2',
      temperature: 0.3,
      maxTokens: 256,
      systemPrompt: 'Be brief.',
      capabilities: ['chat'],
    })
    const page = await web.get('/assistant/models')
    assert.include(page.text, 'Local Llama')
    assert.notInclude(page.text, 'very-secret')
  })

  test('refuses a model without a capability, or with a bad URL, with the reason', async ({
    assert,
  }) => {
    const admin = await memberWithToken({ role: 'admin' })
    const web = await signedIn(admin)
    await web.get('/assistant/models')

    const noCapability = await web.post('/assistant/models', {
      ...FORM,
      canChat: '',
      defaultChat: '',
    })
    await web.get('/assistant/models')
    const badUrl = await web.post('/assistant/models', { ...FORM, baseUrl: 'not a url' })

    assert.equal(noCapability.status, 422)
    assert.include(noCapability.text, 'Choose at least one capability')
    assert.equal(badUrl.status, 302)
    // the redirect goes back; the form then shows the flashed errors
    const back = await web.get('/assistant/models')
    assert.match(back.text, /<span class="field-error">[^<]*URL[^<]*<\/span>/i)
    assert.lengthOf(await AiModel.all(), 0)
  })

  test('a model marked default takes the place of the previous default', async ({ assert }) => {
    const admin = await memberWithToken({ role: 'admin' })
    await createAllRoundModel(admin.organization, fake.baseUrl)
    const web = await signedIn(admin)
    await web.get('/assistant/models')

    await web.post('/assistant/models', FORM)

    assert.equal((await defaultModelFor(admin.organization.id, 'chat'))!.name, 'Local Llama')
    assert.equal((await defaultModelFor(admin.organization.id, 'vision'))!.name, 'Fake all-rounder')
  })

  test('editing keeps the stored key when the field is left blank', async ({ assert }) => {
    const admin = await memberWithToken({ role: 'admin' })
    const model = await createAllRoundModel(admin.organization, fake.baseUrl)
    const web = await signedIn(admin)
    await web.get(`/assistant/models/${model.publicId}/edit`)

    // the same server, another path: the key stays with its origin
    const saved = await web.post(`/assistant/models/${model.publicId}`, {
      ...FORM,
      baseUrl: `${fake.baseUrl}/`,
      apiKey: '',
    })

    assert.equal(saved.status, 302)
    const resolved = await defaultModelFor(admin.organization.id, 'chat')
    assert.equal(resolved!.name, 'Local Llama')
    assert.equal(resolved!.apiKey, 'sk-test-not-secret')
  })

  test('the Test button makes a real call and shows what came back', async ({ assert }) => {
    const admin = await memberWithToken({ role: 'admin' })
    const model = await createAllRoundModel(admin.organization, fake.baseUrl)
    fake.setChatReply('OK')
    const web = await signedIn(admin)
    await web.get('/assistant/models')

    const tested = await web.post(
      `/assistant/models/${model.publicId}/test`,
      {},
      {
        headers: { 'HX-Request': 'true', 'HX-Target': `model-test-${model.publicId}` },
      }
    )

    assert.equal(tested.status, 200)
    assert.include(tested.text, 'Chat works: the model replied “OK”.')
    assert.notInclude(tested.text, '<html')
    const [call] = fake.requestsTo('chat')
    assert.equal(call.headers.authorization, 'Bearer sk-test-not-secret')
  })

  test('the Test button reports a failing provider', async ({ assert }) => {
    const admin = await memberWithToken({ role: 'admin' })
    const model = await createAllRoundModel(admin.organization, fake.baseUrl)
    fake.setMode('error')
    const web = await signedIn(admin)
    await web.get('/assistant/models')

    const tested = await web.post(`/assistant/models/${model.publicId}/test`)

    assert.equal(tested.status, 200)
    assert.include(
      tested.text,
      'Test failed: The chat model “Fake all-rounder” answered HTTP 500: the provider failed.'
    )
    assert.notInclude(tested.text, 'failing on purpose')
  })

  test('members see the models but cannot change them', async ({ assert }) => {
    const admin = await memberWithToken({ role: 'admin' })
    const model = await createAllRoundModel(admin.organization, fake.baseUrl)
    const member = await memberWithToken({ organization: admin.organization })
    const web = await signedIn(member)

    const page = await web.get('/assistant/models')
    const created = await web.post('/assistant/models', FORM)
    const removed = await web.post(`/assistant/models/${model.publicId}/delete`)

    assert.include(page.text, 'Fake all-rounder')
    assert.notInclude(page.text, 'Add a model')
    assert.equal(created.status, 403)
    assert.equal(removed.status, 403)
    assert.lengthOf(await AiModel.all(), 1)
  })

  test('another organisation’s model is not found', async ({ assert }) => {
    const other = await memberWithToken({ role: 'admin' })
    const model = await createAllRoundModel(other.organization, fake.baseUrl)
    const admin = await memberWithToken({ role: 'admin' })
    const web = await signedIn(admin)
    await web.get('/assistant/models')

    const attempts = [
      await web.get(`/assistant/models/${model.publicId}/edit`),
      await web.post(`/assistant/models/${model.publicId}/test`),
      await web.post(`/assistant/models/${model.publicId}/delete`),
    ]

    assert.deepEqual(
      attempts.map((attempt) => attempt.status),
      [404, 404, 404]
    )
    assert.lengthOf(fake.requests, 0)
    assert.lengthOf(await AiModel.all(), 1)
  })

  test('an administrator removes a model', async ({ assert }) => {
    const admin = await memberWithToken({ role: 'admin' })
    const model = await createAllRoundModel(admin.organization, fake.baseUrl)
    const web = await signedIn(admin)
    await web.get('/assistant/models')

    const removed = await web.post(`/assistant/models/${model.publicId}/delete`)

    assert.equal(removed.status, 302)
    assert.lengthOf(await AiModel.all(), 0)
  })
})

import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import AiModel from '#plugins/noa/ai/ai_model'
import { createAllRoundModel, memberWithToken } from '#plugins/noa/tests/helpers/assistant'
import {
  startFakeModelServer,
  type FakeModelServer,
} from '#plugins/noa/tests/fake_model/fake_model_server'
import { glassesForm, postGlasses } from '#plugins/noa/tests/fake_model/glasses'
import { signedIn } from '#plugins/noa/tests/helpers/web'
import {
  allowedHostsEachTest,
  INTERNAL_REPLY,
  internalServiceAnswer,
  listen,
  resolveTestHosts,
  whileAllowed,
  type Listener,
} from './outbound_fixtures.js'

/**
 * Issue #13, item 2: an organisation owner pointed an AI model at
 * http://127.0.0.1:4499, pressed Test and read the internal service's
 * reply. Loopback listeners stand for those internal services; the
 * operator's allow list is empty unless a test says otherwise.
 */
const MODEL_FORM = {
  name: 'Sneaky',
  apiKey: '',
  model: 'gpt-4o-mini',
  canChat: '1',
  defaultChat: '1',
}

async function adminOnModelsPage() {
  const admin = await memberWithToken({ role: 'admin' })
  const web = await signedIn(admin)
  await web.get('/assistant/models')
  return { admin, web }
}

test.group('Security | AI model base URLs cannot reach inside', (group) => {
  let internal: Listener
  let internalV6: Listener
  group.setup(async () => {
    internal = await listen(internalServiceAnswer)
    internalV6 = await listen(internalServiceAnswer, '::1')
    return async () => {
      await internal.close()
      await internalV6.close()
    }
  })
  group.each.setup(() => {
    internal.calls.length = 0
    internalV6.calls.length = 0
  })
  group.each.setup(resetDatabase())
  group.each.setup(allowedHostsEachTest(''))

  test('a model at a loopback, IPv6 loopback or metadata address is refused inline, and nothing is called', async ({
    assert,
  }) => {
    const { web } = await adminOnModelsPage()
    const attempts: Array<[string, string]> = [
      [`http://127.0.0.1:${internal.port}/v1`, '127.0.0.1 is a loopback address'],
      [`http://[::1]:${internalV6.port}/v1`, '::1 is a loopback address'],
      ['http://169.254.169.254/latest/meta-data', '169.254.169.254 is a link-local address'],
      // 127.0.0.1 in IPv6 form reaches the IPv4 listener
      [
        `http://[::ffff:127.0.0.1]:${internal.port}/v1`,
        '::ffff:7f00:1 is a loopback address (IPv4 127.0.0.1 in IPv6 form)',
      ],
    ]

    for (const [baseUrl, reason] of attempts) {
      const response = await web.post('/assistant/models', { ...MODEL_FORM, baseUrl })
      assert.equal(response.status, 422, baseUrl)
      assert.include(response.text, `refused by the outbound policy: ${reason}`, baseUrl)
      assert.include(response.text, 'value="Sneaky"', 'the form keeps what was typed')
    }
    assert.lengthOf(await AiModel.all(), 0)
    assert.lengthOf(internal.calls, 0)
    assert.lengthOf(internalV6.calls, 0)
  })

  test('a host name that resolves to loopback is refused, on save and at every call', async ({
    assert,
  }) => {
    resolveTestHosts({ 'models.sextant.test': '127.0.0.1' })
    const { admin, web } = await adminOnModelsPage()
    const baseUrl = `http://models.sextant.test:${internal.port}/v1`

    const saved = await web.post('/assistant/models', { ...MODEL_FORM, baseUrl })
    // stored while the operator allowed that name, then no longer
    const model = await whileAllowed('models.sextant.test', () =>
      createAllRoundModel(admin.organization, baseUrl)
    )
    const tested = await web.post(`/assistant/models/${model.publicId}/test`)

    assert.equal(saved.status, 422)
    assert.include(
      saved.text,
      'refused by the outbound policy: models.sextant.test resolves to 127.0.0.1, which is a loopback address'
    )
    assert.include(tested.text, 'Test failed: The address of the chat model')
    assert.include(tested.text, 'models.sextant.test resolves to 127.0.0.1')
    assert.lengthOf(internal.calls, 0)
  })

  test('a model stored before its address was refused is refused at every call: Test, glasses, chat', async ({
    assert,
  }) => {
    const { admin, web } = await adminOnModelsPage()
    const model = await whileAllowed('127.0.0.1', () =>
      createAllRoundModel(admin.organization, `http://127.0.0.1:${internal.port}/v1`)
    )

    const tested = await web.post(`/assistant/models/${model.publicId}/test`)
    const glasses = await postGlasses(
      glassesForm({ audio: null, extra: { prompt: 'What do you know?' } }),
      { Authorization: `Bearer ${admin.token}` }
    )
    await web.get('/assistant')
    const asked = await web.post('/assistant/threads', { message: 'What do you know?' })
    const thread = await web.get(asked.location!)

    const refusal = 'refused by the outbound policy: 127.0.0.1 is a loopback address'
    assert.include(tested.text, refusal)
    assert.equal(glasses.status, 200)
    assert.equal(glasses.headers.get('x-noa-failure'), 'chat:refused')
    assert.include(glasses.json.message, `the chat model “Fake all-rounder” is ${refusal}`)
    assert.include(thread.text, `the chat model “Fake all-rounder” is ${refusal}`)
    for (const answer of [tested.text, glasses.text, thread.text]) {
      assert.notInclude(answer, INTERNAL_REPLY)
    }
    assert.lengthOf(internal.calls, 0)
  })

  test('a public URL that redirects to loopback is refused at the redirect', async ({ assert }) => {
    // The front door stands for a public host: its name is allowed, loopback is not.
    const front = await listen(() => ({
      status: 302,
      headers: { location: `${internal.origin}/v1/chat/completions` },
    }))
    resolveTestHosts({ 'public.sextant.test': '127.0.0.1' })
    process.env.OUTBOUND_ALLOWED_HOSTS = 'public.sextant.test'
    const { admin, web } = await adminOnModelsPage()
    const model = await createAllRoundModel(
      admin.organization,
      `http://public.sextant.test:${front.port}/v1`
    )

    const tested = await web.post(`/assistant/models/${model.publicId}/test`)
    await front.close()

    assert.include(tested.text, 'refused by the outbound policy: 127.0.0.1 is a loopback address')
    assert.notInclude(tested.text, INTERNAL_REPLY)
    assert.lengthOf(front.calls, 1)
    assert.lengthOf(internal.calls, 0)
  })
})

test.group('Security | AI models on an allowed address', (group) => {
  let fake: FakeModelServer
  group.setup(async () => {
    fake = await startFakeModelServer()
    return () => fake.close()
  })
  group.each.setup(() => fake.reset())
  group.each.setup(resetDatabase())
  group.each.setup(allowedHostsEachTest('127.0.0.1'))

  test('with OUTBOUND_ALLOWED_HOSTS=127.0.0.1 the same model saves and its Test goes through', async ({
    assert,
  }) => {
    const { web } = await adminOnModelsPage()
    fake.setChatReply('OK')

    const saved = await web.post('/assistant/models', { ...MODEL_FORM, baseUrl: fake.baseUrl })
    const model = await AiModel.firstOrFail()
    const tested = await web.post(`/assistant/models/${model.publicId}/test`)

    assert.equal(saved.status, 302)
    assert.include(tested.text, 'Chat works: the model replied “OK”.')
    assert.lengthOf(fake.requestsTo('chat'), 1)
  })
})

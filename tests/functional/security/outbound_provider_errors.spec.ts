import { test } from '@japa/runner'
import logger from '@adonisjs/core/services/logger'
import { resetDatabase } from '#tests/helpers/database'
import { createConnection } from '#tests/helpers/connections'
import SaveAiModel from '#plugins/noa/ai/actions/save_ai_model'
import { createAllRoundModel, memberWithToken } from '#plugins/noa/tests/helpers/assistant'
import { glassesForm, postGlasses } from '#plugins/noa/tests/fake_model/glasses'
import { parseEvents, signedIn } from '#plugins/noa/tests/helpers/web'
import Connection from '#models/connection'
import RunSync from '#actions/sync/run_sync'
import { allowedHostsEachTest, leakyAnswer, listen, type Listener } from './outbound_fixtures.js'

/**
 * Issue #13, item 2 (second half), and #14, item 12: what a provider
 * answered is never shown raw. The provider here answers every call with
 * an error whose text stands for internal data; pages and API answers
 * name the model (or provider) and the class of failure instead, and
 * the provider's words go to the server log.
 */
const SERVER_FAILED = 'answered HTTP 500: the provider failed'

test.group('Security | a provider’s error text never reaches a page or an API answer', (group) => {
  let provider: Listener
  group.setup(async () => {
    provider = await listen(() => leakyAnswer(500))
    return () => provider.close()
  })
  group.each.setup(() => {
    provider.calls.length = 0
  })
  group.each.setup(resetDatabase())
  group.each.setup(allowedHostsEachTest('127.0.0.1'))

  test('the Test button names the model and the status, and logs the provider’s words', async ({
    assert,
  }) => {
    const admin = await memberWithToken({ role: 'admin' })
    const model = await createAllRoundModel(admin.organization, `${provider.origin}/v1`)
    const web = await signedIn(admin)
    await web.get('/assistant/models')
    const logged: unknown[][] = []
    const warn = logger.warn
    logger.warn = ((...args: unknown[]) => {
      logged.push(args)
    }) as typeof logger.warn

    let tested
    try {
      tested = await web.post(`/assistant/models/${model.publicId}/test`)
    } finally {
      logger.warn = warn
    }

    assert.include(tested.text, `Test failed: The chat model “Fake all-rounder” ${SERVER_FAILED}.`)
    assert.notInclude(tested.text, 'LEAK-MARKER')
    const entry = logged.find(([, message]) => String(message).includes('Fake all-rounder'))
    assert.exists(entry, 'the failed call is logged')
    assert.include(JSON.stringify(entry![0]), 'LEAK-MARKER')
    assert.notInclude(JSON.stringify(entry![0]), 'sk-test-not-secret')
  })

  test('the glasses get the app’s five keys with the model and the failure named', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, `${provider.origin}/v1`)

    const response = await postGlasses(
      glassesForm({ audio: null, extra: { prompt: 'Are you there?' } }),
      { Authorization: `Bearer ${member.token}` }
    )

    assert.equal(response.status, 200)
    assert.equal(response.headers.get('x-noa-failure'), 'chat:http')
    assert.include(response.json.message, `the chat model “Fake all-rounder” ${SERVER_FAILED}`)
    assert.include(response.json.message, 'Assistant → AI models')
    assert.notInclude(response.text, 'LEAK-MARKER')
  })

  test('the web chat, streamed and on the page, names the model and links to AI models', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, `${provider.origin}/v1`)
    const web = await signedIn(member)
    await web.get('/assistant')

    const started = await web.post('/assistant/threads', { message: 'First' })
    const path = started.location!
    await web.get(path)
    await web.post(
      `${path}/messages`,
      { message: 'Second' },
      { headers: { 'HX-Request': 'true', 'HX-Target': 'chat-messages' } }
    )
    const stream = await web.get(`${path}/stream`)
    const streamed = parseEvents(stream.text)
      .filter((event) => event.event === 'delta')
      .map((event) => event.data)
      .join('')
    const page = await web.get(path)

    assert.include(streamed, `the chat model “Fake all-rounder” ${SERVER_FAILED}`)
    assert.include(streamed, '<a href="/assistant/models">Open AI models</a>')
    assert.include(page.text, `the chat model “Fake all-rounder” ${SERVER_FAILED}`)
    assert.include(page.text, 'data-testid="reply-failed"')
    assert.include(page.text, '<a href="/assistant/models">AI models</a>')
    for (const answer of [stream.text, page.text]) assert.notInclude(answer, 'LEAK-MARKER')
  })

  test('a failing embeddings model is named when entries cannot be stored', async ({
    assert,
    client,
  }) => {
    const admin = await memberWithToken({ role: 'admin' })
    await new SaveAiModel().execute({
      organizationId: admin.organization.id,
      values: {
        name: 'Leaky embeddings',
        baseUrl: `${provider.origin}/v1`,
        apiKey: 'sk-test-not-secret',
        model: 'text-embedding-3-small',
        canEmbed: true,
        defaultEmbeddings: true,
      },
    })

    const response = await client
      .post('/api/v1/knowledge')
      .header('Authorization', `Bearer ${admin.token}`)
      .json({ document_title: 'Handbook', question_answer_data: [{ question: 'Q?', answer: 'A' }] })

    response.assertStatus(502)
    assert.equal(
      response.body().errors[0].message,
      `The embeddings model “Leaky embeddings” ${SERVER_FAILED}. Nothing was stored.`
    )
    assert.notInclude(response.text(), 'LEAK-MARKER')
  })

  test('a connection’s Test names the provider and the status, not what it answered', async ({
    assert,
  }) => {
    const admin = await memberWithToken({ role: 'admin' })
    const connection = await createConnection(admin.organization, {
      baseUrl: provider.origin,
    })
    const web = await signedIn(admin)
    await web.get('/settings/connections')

    const tested = await web.post(
      `/settings/connections/${connection.publicId}/test`,
      {},
      { headers: { 'HX-Request': 'true' } }
    )
    const page = await web.get(`/settings/connections/${connection.publicId}`)
    const stored = await Connection.findOrFail(connection.id)

    assert.include(tested.text, 'data-test-result="failed"')
    assert.include(tested.text, `Fixture Provider ${SERVER_FAILED}`)
    for (const answer of [tested.text, page.text, stored.lastError ?? '']) {
      assert.notInclude(answer, 'LEAK-MARKER')
    }
    assert.isAbove(provider.calls.length, 0)
  })

  test('a failed sync records the status, not what the provider answered', async ({ assert }) => {
    const admin = await memberWithToken({ role: 'admin' })
    const connection = await createConnection(admin.organization, { baseUrl: provider.origin })

    await new RunSync().execute({ connection, trigger: 'button' })
    const stored = await Connection.findOrFail(connection.id)
    const web = await signedIn(admin)
    const page = await web.get('/settings/connections')

    assert.include(stored.lastError ?? '', 'failed with status 500')
    assert.notInclude(stored.lastError ?? '', 'LEAK-MARKER')
    assert.include(page.text, 'failed with status 500')
    assert.notInclude(page.text, 'LEAK-MARKER')
  })
})

import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#tests/helpers/env'
import { APOLOGY, NO_MODEL_MESSAGE } from '../chat/answer_question.js'
import Message from '../chat/message.js'
import Thread from '../chat/thread.js'
import { createAllRoundModel, memberWithToken } from './helpers/assistant.js'
import { startFakeModelServer, type FakeModelServer } from './helpers/fake_model_server.js'
import { glassesForm, jpeg, postGlasses } from './helpers/glasses.js'

const APP_TIME = '2025-07-02 11:29:48.054846'

async function threadsOf(userId: number) {
  return Thread.query().where('user_id', userId).orderBy('id')
}

async function messagesOf(threadId: number) {
  return Message.query().where('thread_id', threadId).orderBy('id')
}

test.group('Glasses endpoint (POST /noa/mm): refusals and failures', (group) => {
  let fake: FakeModelServer
  group.setup(async () => {
    fake = await startFakeModelServer()
    return () => fake.close()
  })
  group.each.setup(() => {
    fake.reset()
  })
  group.each.setup(resetDatabase)

  test('refuses a request without a token, or with a wrong one, with 401 JSON', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)

    const anonymous = await postGlasses(glassesForm({ messages: [] }), {})
    const wrong = await postGlasses(glassesForm({ messages: [] }), {
      Authorization: 'Bearer oat_not-a-real-token',
    })
    const wrongKey = await postGlasses(glassesForm({ messages: [] }), { 'X-Api-Key': 'nope' })

    for (const response of [anonymous, wrong, wrongKey]) {
      assert.equal(response.status, 401)
      assert.match(response.headers.get('content-type') ?? '', /application\/json/)
      assert.deepEqual(response.json, { errors: [{ message: 'A valid API token is required' }] })
    }
    assert.lengthOf(fake.requests, 0)
    assert.lengthOf(await threadsOf(member.user.id), 0)
  })

  test('refuses a 30 MB image with 413', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)

    const response = await postGlasses(
      glassesForm({ messages: [], image: jpeg(30 * 1024 * 1024) }),
      { Authorization: `Bearer ${member.token}` }
    )

    assert.equal(response.status, 413)
    assert.match(response.json.errors[0].message, /too large/)
    assert.lengthOf(fake.requests, 0)
  }).timeout(60_000)

  test('refuses an image over the image limit with 413 JSON naming the field', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)

    const response = await postGlasses(
      glassesForm({ messages: [], image: jpeg(12 * 1024 * 1024) }),
      { Authorization: `Bearer ${member.token}` }
    )

    assert.equal(response.status, 413)
    assert.equal(response.json.field, 'image')
  }).timeout(60_000)

  test('names the field of a part it cannot read, with 400 JSON', async ({ assert }) => {
    const member = await memberWithToken()
    const auth = { Authorization: `Bearer ${member.token}` }

    const badMessages = await postGlasses(glassesForm({ messages: '[{"role":' }), auth)
    const badImage = await postGlasses(
      glassesForm({ messages: [], image: Buffer.from('not a picture at all') }),
      auth
    )
    const badAudio = await postGlasses(
      glassesForm({ messages: [], audio: Buffer.from('RIFF\x10\x00\x00\x00WAVEjunk') }),
      auth
    )
    const noAudio = await postGlasses(glassesForm({ messages: [], audio: null }), auth)

    assert.deepInclude(badMessages, { status: 400 })
    assert.equal(badMessages.json.field, 'messages')
    assert.deepInclude(badImage, { status: 400 })
    assert.equal(badImage.json.field, 'image')
    assert.deepInclude(badAudio, { status: 400 })
    assert.equal(badAudio.json.field, 'audio')
    assert.deepInclude(noAudio, { status: 400 })
    assert.equal(noAudio.json.field, 'audio')
  })

  test('apologises with a 200 when the provider fails, and records the failure', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    fake.setMode('error', 'chat')

    const response = await postGlasses(glassesForm({ messages: [], time: APP_TIME }), {
      Authorization: `Bearer ${member.token}`,
    })

    assert.equal(response.status, 200)
    assert.equal(response.json.message, APOLOGY)
    assert.deepEqual(response.json.debug, { topic_changed: false })
    const [thread] = await threadsOf(member.user.id)
    const [, reply] = await messagesOf(thread.id)
    assert.equal(reply.status, 'failed')
    assert.equal(reply.content, APOLOGY)
    assert.include(reply.error, 'HTTP 500')
  })

  test('apologises with a 200 when the provider does not answer in time', async ({
    assert,
    cleanup,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    cleanup(withEnv({ NOA_MODEL_TIMEOUT_MS: '300' }))
    fake.setMode('hang', 'chat')

    const response = await postGlasses(glassesForm({ messages: [], time: APP_TIME }), {
      Authorization: `Bearer ${member.token}`,
    })

    assert.equal(response.status, 200)
    assert.equal(response.json.message, APOLOGY)
    const [thread] = await threadsOf(member.user.id)
    const [, reply] = await messagesOf(thread.id)
    assert.equal(reply.status, 'failed')
    assert.isNotNull(reply.error)
  })

  test('apologises with a 200 when transcription fails, and records it', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    fake.setMode('error', 'transcription')

    const response = await postGlasses(glassesForm({ messages: [] }), {
      Authorization: `Bearer ${member.token}`,
    })

    assert.equal(response.status, 200)
    assert.equal(response.json.message, APOLOGY)
    assert.lengthOf(fake.requestsTo('chat'), 0)
    const [thread] = await threadsOf(member.user.id)
    const [, reply] = await messagesOf(thread.id)
    assert.equal(reply.status, 'failed')
    assert.include(reply.error, 'Transcription failed (HTTP 500)')
  })

  test('says so with a 200 when the organisation has no model yet', async ({ assert }) => {
    const member = await memberWithToken()
    const auth = { Authorization: `Bearer ${member.token}` }

    const spoken = await postGlasses(glassesForm({ messages: [] }), auth)
    const typed = await postGlasses(
      glassesForm({ audio: null, extra: { prompt: 'Anyone there?' } }),
      auth
    )

    assert.equal(spoken.status, 200)
    assert.equal(spoken.json.message, NO_MODEL_MESSAGE)
    assert.equal(typed.status, 200)
    assert.equal(typed.json.message, NO_MODEL_MESSAGE)
    const failed = await Message.query().where('role', 'assistant').where('status', 'failed')
    assert.lengthOf(failed, 2)
  })
})

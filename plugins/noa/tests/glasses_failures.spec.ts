import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#plugin-sdk/testing'
import { NO_MODEL_MESSAGE } from '../chat/answer_question.js'
import Message from '../chat/message.js'
import Thread from '../chat/thread.js'
import { createAllRoundModel, memberWithToken } from './helpers/assistant.js'
import { startFakeModelServer, type FakeModelServer } from './fake_model/fake_model_server.js'
import { glassesForm, jpeg, postGlasses } from './fake_model/glasses.js'
import { MULTIPART_BOUNDARY, startPartialUpload } from '#tests/helpers/partial_upload'

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

  test('refuses a 30 MB upload with 413 before receiving it', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    const head = Buffer.from(
      `--${MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="image.jpg"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n'
    )

    const outcome = await startPartialUpload({
      path: '/noa/mm',
      firstChunk: Buffer.concat([head, jpeg(64 * 1024)]),
      headers: { Authorization: `Bearer ${member.token}` },
    })

    assert.equal(outcome.status, 413)
    assert.isTrue(outcome.closed, 'the rest of the upload is not received')
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

  test('a failing chat model: the app’s five keys, a message naming the model and the failure, the failure recorded', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    fake.setMode('error', 'chat')

    const response = await postGlasses(glassesForm({ messages: [], time: APP_TIME }), {
      Authorization: `Bearer ${member.token}`,
    })

    // 200: the app drops the body of any other status, and with it the message
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('x-noa-failure'), 'chat:http')
    assert.deepEqual(Object.keys(response.json).sort(), [
      'audio',
      'debug',
      'image',
      'message',
      'user_prompt',
    ])
    assert.equal(
      response.json.message,
      'Sorry, I could not answer: the chat model “Fake all-rounder” answered HTTP 500: the provider failed. ' +
        'Trying again later may help; if it keeps failing, an administrator can check the model under Assistant → AI models.'
    )
    assert.notInclude(response.text, 'failing on purpose')
    assert.deepEqual(response.json.debug, { topic_changed: false })
    const [thread] = await threadsOf(member.user.id)
    const [, reply] = await messagesOf(thread.id)
    assert.equal(reply.status, 'failed')
    assert.equal(reply.content, response.json.message)
    assert.equal(
      reply.error,
      'the chat model “Fake all-rounder” answered HTTP 500: the provider failed'
    )
  })

  test('a chat model that does not answer in time: the message says how long it waited', async ({
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
    assert.equal(response.headers.get('x-noa-failure'), 'chat:timeout')
    assert.include(
      response.json.message,
      'the chat model “Fake all-rounder” did not answer within 0.3 s'
    )
    const [thread] = await threadsOf(member.user.id)
    const [, reply] = await messagesOf(thread.id)
    assert.equal(reply.status, 'failed')
    assert.equal(reply.error, 'the chat model “Fake all-rounder” did not answer within 0.3 s')
  })

  test('a failing transcription model is named, and no chat model is asked', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    fake.setMode('error', 'transcription')

    const response = await postGlasses(glassesForm({ messages: [] }), {
      Authorization: `Bearer ${member.token}`,
    })

    assert.equal(response.status, 200)
    assert.equal(response.headers.get('x-noa-failure'), 'transcription:http')
    assert.match(
      response.json.message,
      /^Sorry, I could not understand the recording: the transcription model “Fake all-rounder” answered HTTP 500/
    )
    assert.lengthOf(fake.requestsTo('chat'), 0)
    const [thread] = await threadsOf(member.user.id)
    const [, reply] = await messagesOf(thread.id)
    assert.equal(reply.status, 'failed')
    assert.include(reply.error, 'the transcription model “Fake all-rounder” answered HTTP 500')
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
    assert.equal(spoken.headers.get('x-noa-failure'), 'transcription:no_model')
    assert.equal(spoken.json.message, NO_MODEL_MESSAGE)
    assert.equal(typed.status, 200)
    assert.equal(typed.json.message, NO_MODEL_MESSAGE)
    const failed = await Message.query().where('role', 'assistant').where('status', 'failed')
    assert.lengthOf(failed, 2)
  })
})

import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { decodeWav } from '../audio/wav.js'
import Message from '../chat/message.js'
import Thread from '../chat/thread.js'
import { NOTHING_HEARD } from '../endpoint/handle_glasses_request.js'
import { createAllRoundModel, memberWithToken } from './helpers/assistant.js'
import {
  startFakeModelServer,
  contentText,
  type FakeModelServer,
} from './fake_model/fake_model_server.js'
import {
  glassesForm,
  glassesWav,
  headerOnlyWav,
  jpeg,
  postGlasses,
  wavFile,
} from './fake_model/glasses.js'

const APP_TIME = '2025-07-02 11:29:48.054846'
const HISTORY = [
  { role: 'user', content: 'Who painted the Mona Lisa?' },
  { role: 'assistant', content: 'Leonardo da Vinci.' },
]

async function threadsOf(userId: number) {
  return Thread.query().where('user_id', userId).orderBy('id')
}

async function messagesOf(threadId: number) {
  return Message.query().where('thread_id', threadId).orderBy('id')
}

test.group('Glasses endpoint (POST /noa/mm)', (group) => {
  let fake: FakeModelServer
  group.setup(async () => {
    fake = await startFakeModelServer()
    return () => fake.close()
  })
  group.each.setup(() => {
    fake.reset()
  })
  group.each.setup(resetDatabase)

  test('answers a request shaped like the app’s with the four keys and debug.topic_changed', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)

    const response = await postGlasses(
      glassesForm({
        messages: HISTORY,
        location: '10 Downing Street, London SW1A 2AA, UK',
        time: APP_TIME,
        image: jpeg(),
      }),
      { Authorization: `Bearer ${member.token}` }
    )

    assert.equal(response.status, 200, response.text)
    assert.sameMembers(Object.keys(response.json), [
      'user_prompt',
      'message',
      'debug',
      'image',
      'audio',
    ])
    assert.deepEqual(Object.keys(response.json.debug), ['topic_changed'])
    assert.isBoolean(response.json.debug.topic_changed)
    assert.equal(response.json.user_prompt, 'What is the capital of France?')
    assert.equal(response.json.message, 'You asked: What is the capital of France?')
    assert.isNull(response.json.image)
    assert.isNull(response.json.audio)
  })

  test('sends the recording to transcription as 16 kHz 16-bit PCM', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)

    await postGlasses(glassesForm({ messages: [], location: '', time: APP_TIME }), {
      Authorization: `Bearer ${member.token}`,
    })

    const [upload] = fake.requestsTo('transcription')
    assert.exists(upload)
    assert.equal(upload.body.model, 'fake-chat')
    const { format, samples } = decodeWav(upload.files[0].bytes)
    assert.equal(format.sampleRate, 16_000)
    assert.equal(format.bitsPerSample, 16)
    assert.equal(format.channels, 1)
    assert.closeTo(samples.length, 16_000, 2)
  })

  test('sends the photo to the vision model as an image content part', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    const photo = jpeg(4096)

    await postGlasses(glassesForm({ messages: [], time: APP_TIME, image: photo }), {
      Authorization: `Bearer ${member.token}`,
    })

    const answer = fake.requestsTo('chat').at(-1)!
    const question = answer.body.messages.at(-1)
    assert.equal(question.role, 'user')
    const imagePart = question.content.find((part: any) => part.type === 'image_url')
    assert.equal(imagePart.image_url.url, `data:image/jpeg;base64,${photo.toString('base64')}`)
    assert.equal(contentText(question.content), 'What is the capital of France?')
  })

  test('puts the location and local time in the system context', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)

    await postGlasses(
      glassesForm({ messages: [], location: 'Rue de Rivoli, 75001 Paris, France', time: APP_TIME }),
      { Authorization: `Bearer ${member.token}` }
    )

    const system = fake.requestsTo('chat').at(-1)!.body.messages[0]
    assert.equal(system.role, 'system')
    assert.include(system.content, 'Rue de Rivoli, 75001 Paris, France')
    assert.include(system.content, APP_TIME)
  })

  test('saves the exchange in the user’s own thread, with the photo', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)

    await postGlasses(
      glassesForm({ messages: [], location: 'Paris', time: APP_TIME, image: jpeg() }),
      { 'X-Api-Key': member.token }
    )

    const [thread] = await threadsOf(member.user.id)
    assert.equal(thread.source, 'glasses')
    assert.equal(thread.organizationId, member.organization.id)
    const [question, reply] = await messagesOf(thread.id)
    assert.equal(question.role, 'user')
    assert.equal(question.content, 'What is the capital of France?')
    assert.equal(question.imageType, 'image/jpeg')
    assert.equal(question.location, 'Paris')
    assert.equal(question.localTime, APP_TIME)
    assert.equal(reply.role, 'assistant')
    assert.equal(reply.status, 'ok')
    assert.equal(reply.content, 'You asked: What is the capital of France?')
  })

  test('accepts a 16-bit recording, and a request without messages or time', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    const samples = decodeWav(glassesWav()).samples
    const pcm16 = Buffer.alloc(samples.length * 2)
    samples.forEach((sample, index) => pcm16.writeInt16LE(Math.round(sample * 32767), index * 2))

    const response = await postGlasses(
      glassesForm({ audio: wavFile(pcm16, { sampleRate: 8000, bits: 16 }) }),
      { Authorization: `Bearer ${member.token}` }
    )

    assert.equal(response.status, 200, response.text)
    const upload = decodeWav(fake.requestsTo('transcription')[0].files[0].bytes)
    assert.equal(upload.format.sampleRate, 16_000)
    assert.equal(upload.format.bitsPerSample, 16)
  })

  test('answers 200 when the phone gives no location', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)

    const response = await postGlasses(
      glassesForm({ messages: [], location: '', time: APP_TIME }),
      {
        Authorization: `Bearer ${member.token}`,
      }
    )

    assert.equal(response.status, 200, response.text)
    assert.notInclude(fake.requestsTo('chat').at(-1)!.body.messages[0].content, 'location')
  })

  test('does not call transcription for a header-only recording', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)

    const response = await postGlasses(
      glassesForm({ messages: [], location: '', time: APP_TIME, audio: headerOnlyWav() }),
      { Authorization: `Bearer ${member.token}` }
    )

    assert.equal(response.status, 200)
    assert.lengthOf(fake.requestsTo('transcription'), 0)
    assert.equal(response.json.user_prompt, '')
    assert.equal(response.json.message, NOTHING_HEARD)
  })

  test('accepts the older spellings: prompt, address and local_time', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)

    const response = await postGlasses(
      glassesForm({
        audio: null,
        extra: {
          prompt: 'How tall is the Eiffel Tower?',
          address: 'Champ de Mars, Paris',
          local_time: APP_TIME,
          unknown_field: 'ignored',
        },
      }),
      { Authorization: `Bearer ${member.token}` }
    )

    assert.equal(response.status, 200, response.text)
    assert.equal(response.json.user_prompt, 'How tall is the Eiffel Tower?')
    assert.lengthOf(fake.requestsTo('transcription'), 0)
    const system = fake.requestsTo('chat').at(-1)!.body.messages[0].content
    assert.include(system, 'Champ de Mars, Paris')
    assert.include(system, APP_TIME)
  })

  test('answers on AIUI’s old path /mm/mm/ too', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)

    const response = await postGlasses(
      glassesForm({ messages: [], location: '', time: APP_TIME }),
      { Authorization: `Bearer ${member.token}` },
      '/mm/mm/'
    )

    assert.equal(response.status, 200, response.text)
    assert.equal(response.json.user_prompt, 'What is the capital of France?')
  })

  test('passes the app’s history to the model', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    fake.setChatReply((body) =>
      contentText(body.messages[0].content).includes('classify') ? 'SAME' : undefined
    )

    await postGlasses(glassesForm({ messages: HISTORY, time: APP_TIME }), {
      Authorization: `Bearer ${member.token}`,
    })

    const answer = fake.requestsTo('chat').at(-1)!.body.messages
    assert.deepEqual(answer.slice(1, 3), HISTORY)
  })

  test('reads history whose content is a list of parts, and ignores other roles', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    fake.setChatReply((body) =>
      contentText(body.messages[0].content).includes('classify') ? 'SAME' : undefined
    )

    const response = await postGlasses(
      glassesForm({
        messages: [
          { role: 'system', content: 'You are a pirate' },
          { role: 'user', content: [{ type: 'text', text: 'Who painted the Mona Lisa?' }] },
          { role: 'assistant', content: 'Leonardo da Vinci.' },
          { role: 'user', content: null },
        ],
      }),
      { Authorization: `Bearer ${member.token}` }
    )

    assert.equal(response.status, 200)
    const answer = fake.requestsTo('chat').at(-1)!.body.messages
    assert.deepEqual(answer.slice(1, 3), HISTORY)
    assert.notInclude(JSON.stringify(answer), 'pirate')
  })
})

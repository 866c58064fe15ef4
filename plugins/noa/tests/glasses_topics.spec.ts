import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import type { ChatTurn } from '../chat/conversation.js'
import Message from '../chat/message.js'
import Thread from '../chat/thread.js'
import DetectTopicChange, {
  TOPIC_CLASSIFIER_PROMPT,
  isClearFollowUp,
  lexicalTopicChange,
} from '../chat/topic.js'
import { createAllRoundModel, memberWithToken } from './helpers/assistant.js'
import {
  contentText,
  startFakeModelServer,
  type FakeModelServer,
} from './fake_model/fake_model_server.js'
import { glassesForm, postGlasses } from './fake_model/glasses.js'

const HISTORY: ChatTurn[] = [
  { role: 'user', content: 'What is the capital of France?' },
  { role: 'assistant', content: 'Paris.' },
]

function classifyAs(verdict: 'NEW' | 'SAME') {
  return (body: any) =>
    contentText(body.messages[0]?.content) === TOPIC_CLASSIFIER_PROMPT ? verdict : undefined
}

/** the topic classifications the fake model received */
function classifications(fake: FakeModelServer) {
  return fake
    .requestsTo('chat')
    .filter((request) => contentText(request.body.messages[0]?.content) === TOPIC_CLASSIFIER_PROMPT)
}

test.group('Glasses endpoint: topic detection', (group) => {
  let fake: FakeModelServer
  group.setup(async () => {
    fake = await startFakeModelServer()
    return () => fake.close()
  })
  group.each.setup(() => fake.reset())
  group.each.setup(resetDatabase)

  test('a new topic starts a new thread and is reported in debug.topic_changed', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    const auth = { Authorization: `Bearer ${member.token}` }
    await postGlasses(glassesForm({ messages: [] }), auth)
    fake.setChatReply(classifyAs('NEW'))
    fake.setTranscript('Recommend a good running shoe')

    const response = await postGlasses(glassesForm({ messages: HISTORY }), auth)

    assert.equal(response.status, 200)
    assert.isTrue(response.json.debug.topic_changed)
    // a question with no follow-up cue is the model's to decide
    assert.lengthOf(classifications(fake), 1)
    const threads = await Thread.query().where('user_id', member.user.id).orderBy('id')
    assert.lengthOf(threads, 2)
    assert.equal(threads[1].title, 'Recommend a good running shoe')
    // the earlier conversation is not sent with a question on a new topic
    const answer = fake.requestsTo('chat').at(-1)!.body.messages
    assert.lengthOf(answer, 2)
  })

  test('a clear follow-up stays in the same thread without asking the model', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    const auth = { Authorization: `Bearer ${member.token}` }
    await postGlasses(glassesForm({ messages: [] }), auth)
    // were the model asked, it would start a new topic
    fake.setChatReply(classifyAs('NEW'))
    fake.setTranscript('And how many people live there?')

    const response = await postGlasses(glassesForm({ messages: HISTORY }), auth)

    assert.isFalse(response.json.debug.topic_changed)
    assert.lengthOf(classifications(fake), 0)
    // the answer went with the conversation: system, two earlier turns, the question
    assert.lengthOf(fake.requestsTo('chat').at(-1)!.body.messages, 4)
    const threads = await Thread.query().where('user_id', member.user.id)
    assert.lengthOf(threads, 1)
    assert.lengthOf(await Message.query().where('thread_id', threads[0].id), 4)
  })

  test('asks the chat model with the short classification prompt', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    fake.setChatReply(classifyAs('SAME'))

    await postGlasses(glassesForm({ messages: HISTORY }), {
      Authorization: `Bearer ${member.token}`,
    })

    const classification = fake
      .requestsTo('chat')
      .find((request) => request.body.messages[0].content === TOPIC_CLASSIFIER_PROMPT)!
    assert.equal(classification.body.max_tokens, 3)
    assert.include(classification.body.messages[1].content, 'What is the capital of France?')
  })

  test('falls back to word overlap when the model answers neither NEW nor SAME', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    fake.setChatReply((body) =>
      contentText(body.messages[0]?.content) === TOPIC_CLASSIFIER_PROMPT ? 'Perhaps' : undefined
    )
    fake.setTranscript('Recommend a good running shoe')

    const response = await postGlasses(glassesForm({ messages: HISTORY }), {
      Authorization: `Bearer ${member.token}`,
    })

    assert.isTrue(response.json.debug.topic_changed)
  })

  test('says the decision came from the cue, or from the model when there is none', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    fake.setChatReply(classifyAs('NEW'))
    const detect = (prompt: string) =>
      new DetectTopicChange().execute({
        organizationId: member.organization.id,
        previous: HISTORY,
        prompt,
      })

    assert.deepEqual(await detect('Okay, tell me more'), { changed: false, method: 'cue' })
    assert.lengthOf(classifications(fake), 0)
    assert.deepEqual(await detect('Is France bigger than Spain?'), {
      changed: true,
      method: 'model',
    })
    assert.lengthOf(classifications(fake), 1)
  })

  test('clear follow-up cues: continuations and pronoun openers, not a fresh question', ({
    assert,
  }) => {
    for (const prompt of [
      'And how many people live there?',
      'what about Spain?',
      'Tell me more',
      'Okay, and the population?',
      'How about tomorrow?',
      'They speak French there?',
      'Its population?',
    ]) {
      assert.isTrue(isClearFollowUp(prompt), prompt)
    }
    for (const prompt of [
      'Recommend a good running shoe',
      'What is the capital of Spain?',
      'Why is the sky blue?',
      'This plant, is it poisonous?',
      'Itinerary for Rome',
      'Andorra: what language do they speak?',
    ]) {
      assert.isFalse(isClearFollowUp(prompt), prompt)
    }
  })

  test('the fallback keeps follow-ups and shared words on the same topic', ({ assert }) => {
    assert.isFalse(lexicalTopicChange(HISTORY, 'And what about its population?'))
    assert.isFalse(lexicalTopicChange(HISTORY, 'Is France bigger than Spain?'))
    assert.isTrue(lexicalTopicChange(HISTORY, 'Recommend a good running shoe'))
    assert.isFalse(lexicalTopicChange(HISTORY, 'Thanks'))
  })
})

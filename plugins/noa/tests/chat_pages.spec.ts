import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { resetDatabase, db } from '#tests/helpers/database'
import Message from '../chat/message.js'
import Thread from '../chat/thread.js'
import { createAllRoundModel, memberWithToken } from './helpers/assistant.js'
import { startFakeModelServer, type FakeModelServer } from './fake_model/fake_model_server.js'
import { glassesForm, jpeg, postGlasses } from './fake_model/glasses.js'
import { parseEvents, signedIn } from './helpers/web.js'

test.group('Web chat', (group) => {
  let fake: FakeModelServer
  group.setup(async () => {
    fake = await startFakeModelServer()
    return () => fake.close()
  })
  group.each.setup(() => fake.reset())
  group.each.setup(resetDatabase)

  test('without JavaScript, a new chat posts and the page shows the whole reply', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    const web = await signedIn(member)
    await web.get('/assistant')

    const posted = await web.post('/assistant/threads', { message: 'Where is Lisbon?' })

    assert.equal(posted.status, 302)
    assert.match(posted.location!, /^\/assistant\/threads\/[A-Za-z0-9]+$/)
    const page = await web.get(posted.location!)
    assert.equal(page.status, 200)
    assert.include(page.text, 'Where is Lisbon?')
    assert.include(page.text, 'You asked: Where is Lisbon?')
  })

  test('with htmx, a message comes back pending and its reply streams as SSE', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    const web = await signedIn(member)
    await web.get('/assistant')
    const started = await web.post('/assistant/threads', { message: 'First question' })
    const path = started.location!
    await web.get(path)

    const sent = await web.post(
      `${path}/messages`,
      { message: 'Tell me about <b>bold</b> tags' },
      { headers: { 'HX-Request': 'true', 'HX-Target': 'chat-messages' } }
    )

    assert.equal(sent.status, 200)
    assert.include(sent.text, `sse-connect="${path}/stream"`)
    assert.include(sent.text, 'hx-swap-oob=true')
    const stream = await web.get(`${path}/stream`)
    assert.match(stream.headers.get('content-type')!, /^text\/event-stream/)
    const events = parseEvents(stream.text)
    assert.equal(events.at(-1)!.event, 'done')
    const streamed = events
      .filter((event) => event.event === 'delta')
      .map((event) => event.data)
      .join('')
    assert.equal(streamed, 'You asked: Tell me about &lt;b&gt;bold&lt;/b&gt; tags')
    assert.isTrue(fake.requestsTo('chat').at(-1)!.body.stream)
    const reply = await Message.query()
      .where('role', 'assistant')
      .orderBy('id', 'desc')
      .firstOrFail()
    assert.equal(reply.status, 'ok')
    assert.equal(reply.content, 'You asked: Tell me about <b>bold</b> tags')
  })

  test('a second stream of the same reply ends at once instead of asking again', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    const web = await signedIn(member)
    await web.get('/assistant')
    const started = await web.post(
      '/assistant/threads',
      { message: 'Hello' },
      {
        headers: { 'HX-Request': 'true' },
      }
    )
    const path = started.headers.get('hx-location')!

    await web.get(`${path}/stream`)
    const again = await web.get(`${path}/stream`)

    assert.deepEqual(parseEvents(again.text), [{ event: 'done', data: 'none' }])
    assert.lengthOf(fake.requestsTo('chat'), 1)
  })

  test('a reply abandoned mid-stream (the process died) is produced on the next stream', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    const web = await signedIn(member)
    await web.get('/assistant')
    const started = await web.post(
      '/assistant/threads',
      { message: 'Hello again' },
      { headers: { 'HX-Request': 'true' } }
    )
    const path = started.headers.get('hx-location')!
    const abandoned = DateTime.now().minus({ hours: 1 })
    await db
      .from('noa_messages')
      .where('role', 'assistant')
      .update({ status: 'streaming', updated_at: abandoned.toFormat('yyyy-MM-dd HH:mm:ss') })

    const stream = await web.get(`${path}/stream`)

    assert.equal(parseEvents(stream.text).at(-1)!.data, 'ok')
    const reply = await Message.query().where('role', 'assistant').firstOrFail()
    assert.equal(reply.content, 'You asked: Hello again')
  })

  test('sends the thread’s earlier turns with a follow-up', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    const web = await signedIn(member)
    await web.get('/assistant')
    const started = await web.post('/assistant/threads', { message: 'Where is Lisbon?' })
    await web.get(started.location!)

    await web.post(`${started.location}/messages`, { message: 'And Porto?' })

    const messages = fake.requestsTo('chat').at(-1)!.body.messages
    assert.deepEqual(messages.slice(1), [
      { role: 'user', content: 'Where is Lisbon?' },
      { role: 'assistant', content: 'You asked: Where is Lisbon?' },
      { role: 'user', content: 'And Porto?' },
    ])
  })

  test('lists the glasses’ conversations with their photos', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    await postGlasses(glassesForm({ messages: [], image: jpeg() }), {
      Authorization: `Bearer ${member.token}`,
    })
    const thread = await Thread.query().where('user_id', member.user.id).firstOrFail()
    const question = await Message.query().where('thread_id', thread.id).firstOrFail()
    const web = await signedIn(member)

    const list = await web.get('/assistant')
    const page = await web.get(`/assistant/threads/${thread.publicId}`)
    const image = await fetch(
      `http://${process.env.HOST}:${process.env.PORT}/assistant/messages/${question.publicId}/image`,
      { headers: { cookie: web.cookieHeader() } }
    )

    assert.include(list.text, 'What is the capital of France?')
    assert.include(list.text, 'Glasses')
    assert.include(page.text, `/assistant/messages/${question.publicId}/image`)
    assert.equal(image.status, 200)
    assert.equal(image.headers.get('content-type'), 'image/jpeg')
    assert.deepEqual(Buffer.from(await image.arrayBuffer()), jpeg())
  })

  test('deleting a thread removes it and its messages', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    const web = await signedIn(member)
    await web.get('/assistant')
    const started = await web.post('/assistant/threads', { message: 'Short-lived' })
    await web.get(started.location!)

    const deleted = await web.post(`${started.location}/delete`)

    assert.equal(deleted.status, 302)
    assert.equal(deleted.location, '/assistant')
    assert.lengthOf(await Thread.query().where('user_id', member.user.id), 0)
    assert.lengthOf(await Message.all(), 0)
  })
})

test.group('Web chat: threads are their owner’s only', (group) => {
  let fake: FakeModelServer
  group.setup(async () => {
    fake = await startFakeModelServer()
    return () => fake.close()
  })
  group.each.setup(resetDatabase)

  async function threadOfA() {
    const a = await memberWithToken()
    await createAllRoundModel(a.organization, fake.baseUrl)
    await postGlasses(glassesForm({ messages: [], image: jpeg() }), {
      Authorization: `Bearer ${a.token}`,
    })
    const thread = await Thread.query().where('user_id', a.user.id).firstOrFail()
    const photo = await Message.query().where('thread_id', thread.id).firstOrFail()
    return { a, thread, photo }
  }

  for (const sameOrganization of [true, false]) {
    const where = sameOrganization ? 'in the same organisation' : 'in another organisation'

    test(`user B ${where} cannot open, list, stream, see the photo of or delete A’s thread`, async ({
      assert,
    }) => {
      const { a, thread, photo } = await threadOfA()
      const b = await memberWithToken(sameOrganization ? { organization: a.organization } : {})
      const web = await signedIn(b)
      const path = `/assistant/threads/${thread.publicId}`

      const list = await web.get('/assistant')
      assert.notInclude(list.text, thread.publicId)
      assert.notInclude(list.text, 'What is the capital of France?')
      const attempts = [
        await web.get(path),
        await web.get(`${path}/stream`),
        await web.get(`/assistant/messages/${photo.publicId}/image`),
        await web.post(`${path}/messages`, { message: 'Hi' }),
        await web.post(`${path}/delete`),
      ]
      assert.deepEqual(
        attempts.map((attempt) => attempt.status),
        [404, 404, 404, 404, 404]
      )
      assert.lengthOf(await Thread.query().where('id', thread.id), 1)
      assert.lengthOf(await Message.query().where('thread_id', thread.id), 2)
    })
  }

  test('the owner opens their own glasses thread', async ({ assert }) => {
    const { a, thread } = await threadOfA()
    const web = await signedIn(a)

    const page = await web.get(`/assistant/threads/${thread.publicId}`)

    assert.equal(page.status, 200)
    assert.include(page.text, 'You asked: What is the capital of France?')
  })
})

import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#plugin-sdk/testing'
import Message from '../chat/message.js'
import { createAllRoundModel, memberWithToken } from './helpers/assistant.js'
import { startFakeModelServer, type FakeModelServer } from './fake_model/fake_model_server.js'
import { jpeg } from './fake_model/glasses.js'
import { parseEvents, png, postChatForm, signedIn } from './helpers/web.js'

test.group('Web chat: photos', (group) => {
  let fake: FakeModelServer
  group.setup(async () => {
    fake = await startFakeModelServer()
    return () => fake.close()
  })
  group.each.setup(() => {
    fake.reset()
  })
  group.each.setup(resetDatabase)

  async function chatPage() {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    const web = await signedIn(member)
    await web.get('/assistant')
    return { member, web }
  }

  test('without JavaScript, a photo posted with a new question goes to the vision model and shows in the thread', async ({
    assert,
  }) => {
    const { web } = await chatPage()

    const posted = await postChatForm(web, '/assistant/threads', 'What is on this label?', {
      bytes: png(),
      name: 'label.png',
    })

    assert.equal(posted.status, 302, posted.text)
    const question = await Message.query().where('role', 'user').firstOrFail()
    assert.equal(question.imageType, 'image/png')
    assert.equal(question.imageBase64, png().toString('base64'))
    const sent = fake.requestsTo('chat').at(-1)!.body.messages.at(-1)
    const imagePart = sent.content.find((part: any) => part.type === 'image_url')
    assert.equal(imagePart.image_url.url, `data:image/png;base64,${png().toString('base64')}`)
    const page = await web.get(posted.location!)
    assert.include(page.text, `/assistant/messages/${question.publicId}/image`)
    const image = await fetch(
      new URL(`/assistant/messages/${question.publicId}/image`, web.baseUrl),
      {
        headers: { cookie: web.cookieHeader() },
      }
    )
    assert.equal(image.headers.get('content-type'), 'image/png')
    assert.deepEqual(Buffer.from(await image.arrayBuffer()), png())
  })

  test('a JPEG sent on a thread with htmx is kept with the question and streamed to the vision model', async ({
    assert,
  }) => {
    const { web } = await chatPage()
    const started = await web.post('/assistant/threads', { message: 'Hello' })
    await web.get(started.location!)

    const sent = await postChatForm(
      web,
      `${started.location}/messages`,
      'And this?',
      { bytes: jpeg(), name: 'photo.jpg', type: 'image/jpeg' },
      { 'HX-Request': 'true', 'HX-Target': 'chat-messages' }
    )

    assert.equal(sent.status, 200, sent.text)
    const question = await Message.query().where('content', 'And this?').firstOrFail()
    assert.equal(question.imageType, 'image/jpeg')
    assert.include(sent.text, `/assistant/messages/${question.publicId}/image`)
    const stream = await web.get(`${started.location}/stream`)
    assert.equal(parseEvents(stream.text).at(-1)!.data, 'ok')
    const asked = fake.requestsTo('chat').at(-1)!.body.messages.at(-1)
    assert.isTrue(asked.content.some((part: any) => part.type === 'image_url'))
  })

  test('removes the upload’s temporary file once the photo is stored', async ({
    assert,
    cleanup,
  }) => {
    const { web } = await chatPage()
    const uploads = await mkdtemp(join(tmpdir(), 'noa-chat-uploads-'))
    const originalTmpdir = process.env.TMPDIR
    // the server runs in this process: the bodyparser writes the upload here
    process.env.TMPDIR = uploads
    cleanup(async () => {
      if (originalTmpdir === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = originalTmpdir
      await rm(uploads, { recursive: true, force: true })
    })

    const posted = await postChatForm(web, '/assistant/threads', 'Keep the photo only', {
      bytes: png(),
      name: 'dot.png',
    })

    assert.equal(posted.status, 302, posted.text)
    const question = await Message.query().where('role', 'user').firstOrFail()
    assert.equal(question.imageType, 'image/png')
    assert.deepEqual(await readdir(uploads), [])
  })

  test('a question without a photo still posts as multipart', async ({ assert }) => {
    const { web } = await chatPage()

    const posted = await postChatForm(web, '/assistant/threads', 'Just text', null)

    assert.equal(posted.status, 302, posted.text)
    const question = await Message.query().where('role', 'user').firstOrFail()
    assert.isNull(question.imageType)
    assert.equal(fake.requestsTo('chat').at(-1)!.body.messages.at(-1).content, 'Just text')
  })

  test('refuses a file that is not a JPEG or PNG, whatever its name says, with the error on the form', async ({
    assert,
  }) => {
    const { web } = await chatPage()
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64')

    const posted = await postChatForm(web, '/assistant/threads', 'Keep my question', {
      bytes: gif,
      name: 'photo.png',
    })

    assert.equal(posted.status, 422)
    assert.include(posted.text, 'The photo must be a JPEG or PNG picture.')
    assert.include(posted.text, 'Keep my question</textarea>')
    assert.lengthOf(await Message.all(), 0)
    assert.lengthOf(fake.requests, 0)
  })

  test('refuses a photo over NOA_MAX_IMAGE_BYTES with 413, on a thread under htmx too', async ({
    assert,
    cleanup,
  }) => {
    const { web } = await chatPage()
    const started = await web.post('/assistant/threads', { message: 'Hello' })
    await web.get(started.location!)
    cleanup(withEnv({ NOA_MAX_IMAGE_BYTES: String(1024) }))

    const plain = await postChatForm(web, `${started.location}/messages`, 'Too big', {
      bytes: jpeg(4096),
      name: 'big.jpg',
    })
    const htmx = await postChatForm(
      web,
      `${started.location}/messages`,
      'Too big',
      { bytes: jpeg(4096), name: 'big.jpg' },
      { 'HX-Request': 'true', 'HX-Target': 'chat-messages' }
    )

    assert.equal(plain.status, 413)
    assert.include(plain.text, 'The photo is larger than')
    assert.equal(htmx.status, 413)
    assert.include(htmx.text, 'hx-swap-oob=true')
    assert.include(htmx.text, 'data-testid="photo-error"')
    assert.lengthOf(await Message.query().where('content', 'Too big'), 0)
  })
})

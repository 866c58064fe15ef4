import { randomBytes } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { mkdir, readdir } from 'node:fs/promises'
import { test } from '@japa/runner'
import { uploadsTemporaryFolder } from '#services/request_bodies'
import { resetDatabase } from '#tests/helpers/database'
import {
  DECLARED_UPLOAD_BYTES,
  MULTIPART_BOUNDARY,
  startPartialUpload,
} from '#tests/helpers/partial_upload'
import Message from '../chat/message.js'
import { createAllRoundModel, memberWithToken } from './helpers/assistant.js'
import { startFakeModelServer, type FakeModelServer } from './fake_model/fake_model_server.js'
import { glassesForm, jpeg, postGlasses } from './fake_model/glasses.js'

/** a 30 MB photo upload to the glasses endpoint, of which only 64 KB is sent */
function startLargeUpload(headers: Record<string, string>) {
  const head = Buffer.from(
    `--${MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="image.jpg"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n'
  )
  return startPartialUpload({
    path: '/noa/mm',
    firstChunk: Buffer.concat([head, jpeg(64 * 1024)]),
    headers,
  })
}

test.group('Glasses endpoint (POST /noa/mm): reading uploads', (group) => {
  let fake: FakeModelServer
  let uploads: string
  group.setup(async () => {
    fake = await startFakeModelServer()
    return () => fake.close()
  })
  group.each.setup(async () => {
    fake.reset()
    // the server runs in this process: its uploads' temporary files land here
    uploads = uploadsTemporaryFolder()
    await mkdir(uploads, { recursive: true })
    return async () => {}
  })
  group.each.setup(resetDatabase)

  test('answers 401 to an upload without a token before its body is sent, and closes the connection', async ({
    assert,
  }) => {
    const outcome = await startLargeUpload({})

    assert.equal(outcome.status, 401)
    assert.isBelow(outcome.bytesSent, DECLARED_UPLOAD_BYTES / 100)
    assert.isTrue(outcome.closed)
    assert.deepEqual(await readdir(uploads), [])
  }).timeout(30_000)

  test('answers 401 to an upload with a wrong token before its body is sent', async ({
    assert,
  }) => {
    const outcome = await startLargeUpload({ 'x-api-key': 'sxt_not-a-real-token' })

    assert.equal(outcome.status, 401)
    assert.deepEqual(await readdir(uploads), [])
  }).timeout(30_000)

  test('keeps the parts in temporary files while answering, and removes them afterwards', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    let duringTheRequest: string[] = []
    fake.setChatReply(() => {
      // called by the endpoint while it answers, before it responds
      duringTheRequest = readdirSync(uploads)
      return undefined
    })

    const response = await postGlasses(glassesForm({ messages: [], image: jpeg() }), {
      Authorization: `Bearer ${member.token}`,
    })

    assert.equal(response.status, 200, response.text)
    assert.lengthOf(duringTheRequest, 2)
    assert.deepEqual(await readdir(uploads), [])
  })
  test('a 200 KB photo reaches the vision model and the stored question byte for byte', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    // a JPEG's head and tail around 200 KB of random bytes: every base64 character varies
    const photo = jpeg(200 * 1024)
    randomBytes(photo.length - 22).copy(photo, 20)

    const response = await postGlasses(glassesForm({ messages: [], image: photo }), {
      Authorization: `Bearer ${member.token}`,
    })

    assert.equal(response.status, 200, response.text)
    const question = fake.requestsTo('chat').at(-1)!.body.messages.at(-1)
    const url: string = question.content.find((part: any) => part.type === 'image_url').image_url
      .url
    const prefix = 'data:image/jpeg;base64,'
    assert.isTrue(url.startsWith(prefix))
    assert.isTrue(Buffer.from(url.slice(prefix.length), 'base64').equals(photo))
    const stored = await Message.query().where('role', 'user').firstOrFail()
    assert.equal(stored.imageType, 'image/jpeg')
    assert.isTrue(Buffer.from(stored.imageBase64!, 'base64').equals(photo))
    assert.equal(stored.imageBase64, url.slice(prefix.length))
  })
})

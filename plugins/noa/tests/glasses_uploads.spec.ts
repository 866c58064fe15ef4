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
})

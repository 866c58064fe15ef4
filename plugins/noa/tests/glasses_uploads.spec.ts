import { request as httpRequest } from 'node:http'
import { readdirSync } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { createAllRoundModel, memberWithToken } from './helpers/assistant.js'
import { startFakeModelServer, type FakeModelServer } from './helpers/fake_model_server.js'
import { glassesForm, jpeg, postGlasses } from './helpers/glasses.js'

const BOUNDARY = '----noa-upload-test'
const DECLARED_BYTES = 30 * 1024 * 1024

/**
 * Starts a 30 MB multipart upload to the glasses endpoint but sends only
 * its first 64 KB, then waits: resolves with the status the server
 * answers while the client is still "uploading", how many body bytes
 * were sent by then, and whether the server then closed the connection.
 */
function startLargeUpload(headers: Record<string, string>) {
  return new Promise<{ status: number; bytesSent: number; closed: boolean }>((resolve, reject) => {
    const head = Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="image.jpg"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n'
    )
    const firstChunk = Buffer.concat([head, jpeg(64 * 1024)])
    const timer = setTimeout(
      () => reject(new Error('no answer while the body was still being sent')),
      10_000
    )
    const request = httpRequest(
      {
        host: process.env.HOST,
        port: Number(process.env.PORT),
        method: 'POST',
        path: '/noa/mm',
        headers: {
          'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
          'content-length': String(DECLARED_BYTES),
          ...headers,
        },
      },
      (response) => {
        clearTimeout(timer)
        response.resume()
        const closed = new Promise<boolean>((done) => {
          request.socket?.once('close', () => done(true))
          setTimeout(() => done(false), 5_000)
        })
        closed.then((wasClosed) =>
          resolve({ status: response.statusCode!, bytesSent: firstChunk.length, closed: wasClosed })
        )
      }
    )
    // the server may cut the connection: the answer is what matters
    request.on('error', () => {})
    request.write(firstChunk)
  })
}

test.group('Glasses endpoint (POST /noa/mm): reading uploads', (group) => {
  let fake: FakeModelServer
  let uploads: string
  const originalTmpdir = process.env.TMPDIR
  group.setup(async () => {
    fake = await startFakeModelServer()
    return () => fake.close()
  })
  group.each.setup(async () => {
    fake.reset()
    // the server runs in this process: its temporary files land here
    uploads = await mkdtemp(join(tmpdir(), 'noa-uploads-'))
    process.env.TMPDIR = uploads
    return async () => {
      if (originalTmpdir === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = originalTmpdir
      await rm(uploads, { recursive: true, force: true })
    }
  })
  group.each.setup(resetDatabase)

  test('answers 401 to an upload without a token before its body is sent, and closes the connection', async ({
    assert,
  }) => {
    const outcome = await startLargeUpload({})

    assert.equal(outcome.status, 401)
    assert.isBelow(outcome.bytesSent, DECLARED_BYTES / 100)
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

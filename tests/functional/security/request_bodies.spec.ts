import { mkdir, readdir, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request as httpRequest } from 'node:http'
import { test } from '@japa/runner'
import documentsConfig from '#config/documents'
import Document from '#models/document'
import { uploadsTemporaryFolder } from '#services/request_bodies'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import {
  emptyDisk,
  postMultipart,
  SAMPLES,
  storedKeys,
  uploadDocuments,
  useDisk,
} from '#tests/helpers/documents'
import {
  DECLARED_UPLOAD_BYTES,
  MULTIPART_BOUNDARY,
  startPartialUpload,
} from '#tests/helpers/partial_upload'
import { WebClient } from '#tests/helpers/web_client'

/** the names in a folder, or none when it does not exist */
async function entries(folder: string) {
  return readdir(folder).catch(() => [] as string[])
}

/** a 25 MB multipart body of which only the first 64 KB are sent */
function largeMultipart(path: string, headers: Record<string, string> = {}) {
  const head = Buffer.from(
    `--${MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="email"\r\n\r\nada@acme.example\r\n` +
      `--${MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="big.pdf"\r\n` +
      'Content-Type: application/pdf\r\n\r\n'
  )
  return startPartialUpload({
    path,
    firstChunk: Buffer.concat([head, Buffer.alloc(64 * 1024, 7)]),
    headers,
  })
}

/**
 * Sends `total` bytes of JSON as a stream without a Content-Length
 * (chunked), and resolves with the status and how much was sent before
 * the server answered.
 */
function chunkedJson(path: string, total: number) {
  return new Promise<{ status: number; sentBeforeAnswer: number }>((resolve, reject) => {
    let sent = 0
    let answered = false
    const request = httpRequest(
      {
        host: process.env.HOST,
        port: Number(process.env.PORT),
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      },
      (response) => {
        answered = true
        response.resume()
        resolve({ status: response.statusCode!, sentBeforeAnswer: sent })
      }
    )
    request.on('error', (error) => (answered ? undefined : reject(error)))
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length
        if (!request.write(chunk)) return request.once('drain', pump)
      }
      if (!answered) request.end()
    }
    request.write('{"padding": "')
    pump()
  })
}

test.group('Security | request bodies are read only where and when they are accepted', (group) => {
  const originalMaxBytes = documentsConfig.maxBytes
  group.setup(() => useDisk('fs'))
  group.each.setup(resetDatabase())
  group.each.setup(async () => {
    await emptyDisk('fs')
    await mkdir(uploadsTemporaryFolder(), { recursive: true })
    return () => {
      documentsConfig.maxBytes = originalMaxBytes
    }
  })

  test('three refused 25 MB multipart posts to /sign-in leave no file in either temporary folder', async ({
    assert,
  }) => {
    const osBefore = await entries(tmpdir())
    for (let attempt = 0; attempt < 3; attempt++) {
      const outcome = await largeMultipart('/sign-in')
      assert.equal(outcome.status, 415)
      assert.isBelow(outcome.bytesSent, DECLARED_UPLOAD_BYTES / 100)
      assert.isTrue(outcome.closed, 'the connection is closed instead of receiving the rest')
    }
    assert.deepEqual(await entries(uploadsTemporaryFolder()), [])
    const created = (await entries(tmpdir())).filter((name) => !osBefore.includes(name))
    assert.deepEqual(created, [])
  }).timeout(30_000)

  test('a multipart body to a signed-in page that takes no upload is refused with 415 unread', async ({
    assert,
  }) => {
    const member = await createAccount()
    const web = new WebClient()
    await web.signIn(member.email, member.password, member.totpSecret!)
    const outcome = await largeMultipart('/settings/organization', { cookie: web.cookieHeader() })
    assert.equal(outcome.status, 415)
    assert.isTrue(outcome.closed)
    assert.deepEqual(await entries(uploadsTemporaryFolder()), [])
  }).timeout(30_000)

  test('a refused and an accepted document upload leave no temporary file, and the stored one is private', async ({
    assert,
  }) => {
    const member = await createAccount()
    const web = new WebClient()
    await web.signIn(member.email, member.password, member.totpSecret!)
    await web.get('/documents')
    const osBefore = await entries(tmpdir())

    const refused = await uploadDocuments(web, [{ name: 'tool.pdf', content: SAMPLES.elf() }])
    assert.equal(refused.status, 422)
    const accepted = await uploadDocuments(web, [{ name: 'policy.pdf', content: SAMPLES.pdf() }])
    assert.include([200, 302, 303], accepted.status)

    assert.deepEqual(await entries(uploadsTemporaryFolder()), [])
    const created = (await entries(tmpdir())).filter((name) => !osBefore.includes(name))
    assert.deepEqual(created, [], `new in ${tmpdir()}: ${created.join(', ')}`)
    const [key] = await storedKeys('fs')
    assert.isString(key)
    const stored = await stat(join(documentsConfig.location, key))
    assert.equal(stored.mode & 0o077, 0, `stored with mode ${(stored.mode & 0o777).toString(8)}`)
    const folder = await stat(join(documentsConfig.location, key, '..'))
    assert.equal(folder.mode & 0o077, 0)
  })

  test('the upload folder and its files are private while a request runs', async ({ assert }) => {
    const member = await createAccount()
    const web = new WebClient()
    await web.signIn(member.email, member.password, member.totpSecret!)
    await uploadDocuments(web, [{ name: 'policy.pdf', content: SAMPLES.pdf() }])
    const folder = await stat(uploadsTemporaryFolder())
    assert.equal(folder.mode & 0o077, 0, `folder mode ${(folder.mode & 0o777).toString(8)}`)
  })

  test('a member without the upload permission is refused before the upload is read', async ({
    assert,
  }) => {
    const viewer = await createAccount({ role: 'viewer' })
    const web = new WebClient()
    await web.signIn(viewer.email, viewer.password, viewer.totpSecret!)
    const outcome = await largeMultipart('/documents', { cookie: web.cookieHeader() })
    assert.equal(outcome.status, 403)
    assert.isTrue(outcome.closed)
    assert.deepEqual(await entries(uploadsTemporaryFolder()), [])
  }).timeout(30_000)

  test('an upload posted from another site is refused before it is read', async ({ assert }) => {
    const member = await createAccount()
    const web = new WebClient()
    await web.signIn(member.email, member.password, member.totpSecret!)
    const outcome = await largeMultipart('/documents', {
      'cookie': web.cookieHeader(),
      'origin': 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    })
    assert.equal(outcome.status, 403)
    assert.isTrue(outcome.closed)
    assert.deepEqual(await entries(uploadsTemporaryFolder()), [])
  }).timeout(30_000)

  test('an upload without a valid CSRF token stores nothing and leaves no temporary file', async ({
    assert,
  }) => {
    const member = await createAccount()
    const web = new WebClient()
    await web.signIn(member.email, member.password, member.totpSecret!)
    await web.get('/documents')
    web.csrfToken = 'not-a-token'
    const response = await postMultipart(web, '/documents', { category: 'policy' }, [
      { field: 'files', file: { name: 'policy.pdf', content: SAMPLES.pdf() } },
    ])
    assert.equal(response.status, 403)
    assert.lengthOf(await Document.all(), 0)
    assert.deepEqual(await entries(uploadsTemporaryFolder()), [])
  })

  test('a 20 MB JSON body to a public route is refused with 413 before it is received', async ({
    assert,
  }) => {
    const outcome = await startPartialUpload({
      path: '/password/forgot',
      firstChunk: Buffer.from(`{"email": "${'x'.repeat(64 * 1024)}`),
      headers: {
        'content-type': 'application/json',
        'accept': 'application/json',
        'content-length': String(20 * 1024 * 1024),
      },
    })
    assert.equal(outcome.status, 413)
    assert.isTrue(outcome.closed)
  }).timeout(30_000)

  test('a streamed JSON body without a length is cut off at the public limit with 413', async ({
    assert,
  }) => {
    const outcome = await chunkedJson('/sign-in', 20 * 1024 * 1024)
    assert.equal(outcome.status, 413)
    assert.isBelow(outcome.sentBeforeAnswer, 20 * 1024 * 1024)
  }).timeout(30_000)
})

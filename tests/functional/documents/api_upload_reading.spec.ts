import { mkdir, readdir } from 'node:fs/promises'
import { test } from '@japa/runner'
import { uploadsTemporaryFolder } from '#services/request_bodies'
import User from '#models/user'
import Document from '#models/document'
import documentsConfig from '#config/documents'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { SAMPLES, emptyDisk, storedKeys, useDisk } from '#tests/helpers/documents'
import {
  DECLARED_UPLOAD_BYTES,
  MULTIPART_BOUNDARY,
  startPartialUpload,
} from '#tests/helpers/partial_upload'

async function tokenFor(user: User) {
  const token = await User.accessTokens.create(user, ['read', 'write'], { name: 'tests' })
  return token.value!.release()
}

function upload(headers: Record<string, string>, fields: Record<string, string>, file: Buffer) {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  form.append('file', new Blob([file]), 'evidence.pdf')
  return fetch(`http://${process.env.HOST}:${process.env.PORT}/api/v1/documents`, {
    method: 'POST',
    headers: { accept: 'application/json', ...headers },
    body: form,
  })
}

const multipartStart = () =>
  Buffer.concat([
    Buffer.from(
      `--${MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="category"\r\n\r\npolicy\r\n` +
        `--${MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="policy.pdf"\r\n` +
        'Content-Type: application/pdf\r\n\r\n'
    ),
    SAMPLES.pdf(),
    Buffer.alloc(64 * 1024, 32),
  ])

function startLargeUpload(headers: Record<string, string>, firstChunk = multipartStart()) {
  return startPartialUpload({
    path: '/api/v1/documents',
    firstChunk,
    headers: { accept: 'application/json', ...headers },
  })
}

test.group('Documents API: the upload is read after the token is checked', (group) => {
  let uploads: string
  const originalMaxBytes = documentsConfig.maxBytes
  group.setup(() => useDisk('fs'))
  group.each.setup(async () => {
    // the server runs in this process: its uploads' temporary files land here
    uploads = uploadsTemporaryFolder()
    await mkdir(uploads, { recursive: true })
    return async () => {
      documentsConfig.maxBytes = originalMaxBytes
    }
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => emptyDisk('fs'))

  test('answers 401 to a 30 MB upload without a token before its body is sent, and closes the connection', async ({
    assert,
  }) => {
    const outcome = await startLargeUpload({})

    assert.equal(outcome.status, 401)
    assert.isBelow(outcome.bytesSent, DECLARED_UPLOAD_BYTES / 100)
    assert.isTrue(outcome.closed)
    assert.deepEqual(await readdir(uploads), [])
    assert.lengthOf(await Document.all(), 0)
    assert.deepEqual(await storedKeys('fs'), [])
  }).timeout(30_000)

  test('answers 401 to a 30 MB upload with a wrong token before its body is sent', async ({
    assert,
  }) => {
    const outcome = await startLargeUpload({ authorization: 'Bearer sxt_not-a-real-token' })

    assert.equal(outcome.status, 401)
    assert.isTrue(outcome.closed)
    assert.deepEqual(await readdir(uploads), [])
    assert.deepEqual(await storedKeys('fs'), [])
  }).timeout(30_000)

  test('answers 401 to a 30 MB JSON body without a token before it is sent', async ({ assert }) => {
    const outcome = await startLargeUpload(
      { 'content-type': 'application/json' },
      Buffer.from(`{"category":"policy","title":"${'x'.repeat(64 * 1024)}`)
    )

    assert.equal(outcome.status, 401)
    assert.isBelow(outcome.bytesSent, DECLARED_UPLOAD_BYTES / 100)
    assert.isTrue(outcome.closed)
  }).timeout(30_000)

  test('stores an authenticated upload and removes its temporary file once it has answered', async ({
    assert,
  }) => {
    const account = await createAccount()
    const content = Buffer.concat([SAMPLES.pdf(), Buffer.alloc(2 * 1024 * 1024, 32)])

    const response = await upload(
      { authorization: `Bearer ${await tokenFor(account.user)}` },
      { category: 'policy', title: 'Access policy' },
      content
    )

    assert.equal(response.status, 201, await response.clone().text())
    const { data } = (await response.json()) as { data: { title: string; id: string } }
    assert.equal(data.title, 'Access policy')
    assert.lengthOf(await storedKeys('fs'), 1)
    assert.deepEqual(await readdir(uploads), [])
  })

  test('refuses a file over the size limit with 413 and the limit, and stores nothing', async ({
    assert,
  }) => {
    documentsConfig.maxBytes = 1024
    const account = await createAccount()

    const response = await upload(
      { authorization: `Bearer ${await tokenFor(account.user)}` },
      { category: 'policy' },
      Buffer.concat([SAMPLES.pdf(), Buffer.alloc(4096, 32)])
    )

    assert.equal(response.status, 413)
    const body = (await response.json()) as { errors: { field: string; message: string }[] }
    assert.equal(body.errors[0].field, 'file')
    assert.include(body.errors[0].message, 'documents may be at most 1KB')
    assert.lengthOf(await Document.all(), 0)
    assert.deepEqual(await storedKeys('fs'), [])
    assert.deepEqual(await readdir(uploads), [])
  })

  test('refuses a request over the multipart limit with 413 and the limits, and stores nothing', async ({
    assert,
  }) => {
    const account = await createAccount()

    const response = await upload(
      { authorization: `Bearer ${await tokenFor(account.user)}` },
      { category: 'policy' },
      Buffer.concat([SAMPLES.pdf(), Buffer.alloc(documentsConfig.requestLimitBytes, 32)])
    )

    assert.equal(response.status, 413)
    const body = (await response.json()) as { errors: { message: string }[] }
    assert.include(body.errors[0].message, 'The upload is too large: send at most 30MB at once')
    assert.lengthOf(await Document.all(), 0)
    assert.deepEqual(await storedKeys('fs'), [])
    assert.deepEqual(await readdir(uploads), [])
  }).timeout(30_000)
})

import { test } from '@japa/runner'
import ace from '@adonisjs/core/services/ace'
import documentsConfig from '#config/documents'
import Document from '#models/document'
import DocumentVersion from '#models/document_version'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import {
  localS3,
  SAMPLES,
  emptyDisk,
  storedKeys,
  uploadDocuments,
  useDisk,
} from '#tests/helpers/documents'
import { waitFor } from '#tests/helpers/wait'

const s3 = localS3

test.group('Documents when the S3 server fails', (group) => {
  group.setup(async () => {
    await s3.start()
    useDisk('s3')
    return async () => {
      useDisk('fs')
      // back up for the groups after this one
      await s3.start()
    }
  })
  group.each.setup(resetDatabase())
  group.each.setup(async () => {
    if (!s3.httpServer) await s3.start()
    await emptyDisk('s3')
  })

  test('an upload cut off when the S3 server stops mid-request leaves no row, and verify finds no orphan', async ({
    assert,
  }) => {
    const member = await createAccount()
    const web = new WebClient()
    await web.signIn(member.email, member.password, member.totpSecret!)
    await web.get('/documents')

    // The server goes away while the object's bytes are arriving.
    s3.httpServer!.once('request', (request) => {
      request.once('data', () => {
        request.socket.destroy()
        void s3.stop()
      })
    })
    const big = Buffer.concat([SAMPLES.pdf(), Buffer.alloc(2 * 1024 * 1024, 32)])
    const response = await uploadDocuments(web, [{ name: 'audit-report.pdf', content: big }])

    assert.equal(response.status, 503)
    assert.include(response.text, 'The document store could not be reached; nothing was saved.')
    assert.lengthOf(await Document.all(), 0)
    assert.lengthOf(await DocumentVersion.all(), 0)

    // The server comes back (s3rver, unlike S3, keeps the cut-off body as
    // an empty object); the failed upload's clean-up removes it.
    await s3.start()
    await waitFor(async () => (await storedKeys('s3')).length === 0, {
      timeoutMs: 15_000,
      what: 'the cut-off object to be cleaned up',
    })
    assert.deepEqual(await storedKeys('s3'), [])
    const verify = await ace.exec('documents:verify', ['--disk', 's3', '--grace', '0'])
    assert.equal(verify.exitCode, 0)
  }).timeout(30_000)

  test('the upload page says so when the S3 server is down, and keeps nothing', async ({
    assert,
  }) => {
    const member = await createAccount()
    const web = new WebClient()
    await web.signIn(member.email, member.password, member.totpSecret!)
    await web.get('/documents')
    await s3.stop()

    const response = await uploadDocuments(web, [{ name: 'policy.pdf', content: SAMPLES.pdf() }])
    assert.equal(response.status, 503)
    assert.include(response.text, 'nothing was saved')
    assert.lengthOf(await Document.all(), 0)
    assert.equal(documentsConfig.disk, 's3')
  }).timeout(30_000)
})

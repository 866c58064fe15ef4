import { test } from '@japa/runner'
import ace from '@adonisjs/core/services/ace'
import { DateTime } from 'luxon'
import Document from '#models/document'
import DocumentVersion from '#models/document_version'
import AuditEvent from '#models/audit_event'
import UploadDocuments from '#actions/documents/upload_documents'
import { CLI_META } from '#services/audit'
import { documentDisk } from '#services/documents/storage'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { DISKS, localS3, SAMPLES, emptyDisk, storedKeys, useDisk } from '#tests/helpers/documents'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const s3 = localS3

/**
 * A document uploaded through the real action, from a temporary file.
 */
async function uploadedDocument(title: string) {
  const account = await createAccount()
  const folder = await mkdtemp(join(tmpdir(), 'sextant-upload-'))
  const tmpPath = join(folder, 'upload')
  await writeFile(tmpPath, SAMPLES.pdf(title))
  const [document] = await new UploadDocuments().execute({
    organization: account.organization,
    actor: account.user,
    files: [{ tmpPath, clientName: `${title}.pdf`, size: SAMPLES.pdf(title).length }],
    title,
    category: 'report',
    meta: CLI_META,
  })
  return document
}

for (const disk of DISKS) {
  test.group(`documents:purge and documents:verify on the ${disk} disk`, (group) => {
    group.setup(async () => {
      await s3.start()
      useDisk(disk)
      ace.ui.switchMode('raw')
      return async () => {
        ace.ui.switchMode('normal')
        useDisk('fs')
      }
    })
    group.each.setup(resetDatabase())
    group.each.setup(async () => {
      await emptyDisk(disk)
      ace.ui.logger.flushLogs()
    })

    test('purge removes documents deleted past the retention period, rows and objects', async ({
      assert,
    }) => {
      const old = await uploadedDocument('old')
      const recent = await uploadedDocument('recent')
      const live = await uploadedDocument('live')
      old.merge({ deletedAt: DateTime.now().minus({ days: 31 }) })
      await old.save()
      recent.merge({ deletedAt: DateTime.now().minus({ days: 2 }) })
      await recent.save()

      const command = await ace.exec('documents:purge', [])
      assert.equal(command.exitCode, 0)

      const remaining = (await Document.query().orderBy('id')).map((document) => document.title)
      assert.deepEqual(remaining, ['recent', 'live'])
      const keys = (await DocumentVersion.query().orderBy('id')).map((v) => v.storageKey)
      assert.sameMembers(await storedKeys(disk), keys)
      assert.lengthOf(await AuditEvent.query().where('event', 'document.purged'), 1)
      assert.exists(live)
    })

    test('verify reports rows without objects and objects without rows; --fix removes the objects', async ({
      assert,
    }) => {
      const kept = await uploadedDocument('kept')
      const lost = await uploadedDocument('lost')
      await lost.load('versions')
      await documentDisk(disk).delete(lost.versions[0].storageKey)
      const strayKey = 'documents/stray/left-behind'
      await documentDisk(disk).put(strayKey, 'orphan')

      const report = await ace.exec('documents:verify', ['--grace', '0'])
      assert.equal(report.exitCode, 1)
      const output = report.logger
        .getLogs()
        .map((log) => log.message)
        .join('\n')
      assert.include(output, `row without object: document ${lost.publicId} v1`)
      assert.include(output, `object without row: ${strayKey}`)

      ace.ui.logger.flushLogs()
      const fixed = await ace.exec('documents:verify', ['--fix', '--grace', '0'])
      assert.include(
        fixed.logger
          .getLogs()
          .map((log) => log.message)
          .join('\n'),
        '(removed)'
      )
      assert.notInclude(await storedKeys(disk), strayKey)
      await kept.load('versions')
      assert.include(await storedKeys(disk), kept.versions[0].storageKey)
    })

    test('verify leaves a young object alone: it may be an upload in flight', async ({
      assert,
    }) => {
      await documentDisk(disk).put('documents/in-flight/object', 'bytes')
      const command = await ace.exec('documents:verify', ['--fix'])
      assert.equal(command.exitCode, 0)
      assert.include(await storedKeys(disk), 'documents/in-flight/object')
    })

    test('bad input is one line and a non-zero exit', async ({ assert }) => {
      const command = await ace.exec('documents:verify', ['--disk', 'ftp'])
      assert.equal(command.exitCode, 1)
      const logs = command.logger.getLogs()
      assert.lengthOf(logs, 1)
      assert.include(logs[0].message, 'documents:verify: --disk must be one of fs, s3')
      ace.ui.logger.flushLogs()
      const purge = await ace.exec('documents:purge', ['--days', '-3'])
      assert.equal(purge.exitCode, 1)
    })
  })
}

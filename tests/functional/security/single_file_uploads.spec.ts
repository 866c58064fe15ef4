import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { SAMPLES, emptyDisk, storedKeys, useDisk } from '#tests/helpers/documents'

const baseUrl = () => `http://${process.env.HOST}:${process.env.PORT}`

async function count(table: string) {
  const [{ total }] = await db.from(table).count('* as total')
  return Number(total)
}

test.group('Single-file uploads refuse a second file', (group) => {
  group.setup(() => useDisk('fs'))
  group.each.setup(resetDatabase())
  group.each.setup(() => emptyDisk('fs'))

  test('POST /api/v1/documents with two "file" parts is a 422 and stores nothing', async ({
    assert,
  }) => {
    const account = await createAccount()
    const token = (await User.accessTokens.create(account.user, ['read', 'write'])).value!.release()
    const form = new FormData()
    form.append('category', 'certificate')
    form.append('file', new Blob([SAMPLES.pdf('one')]), 'one.pdf')
    form.append('file', new Blob([SAMPLES.pdf('two')]), 'two.pdf')
    const response = await fetch(new URL('/api/v1/documents', baseUrl()), {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    })
    assert.equal(response.status, 422)
    const body = (await response.json()) as { error: { code: string; message: string } }
    assert.equal(body.error.code, 'E_TOO_MANY_FILES')
    assert.include(body.error.message, '2 were sent')
    assert.equal(await count('documents'), 0)
    assert.equal(await count('document_versions'), 0)
    assert.deepEqual(await storedKeys('fs'), [])
  })
})

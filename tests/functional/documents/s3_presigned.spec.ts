import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import { documentDisk } from '#services/documents/storage'
import { localS3 } from '#tests/helpers/documents'

/**
 * The S3 presigner itself, against the S3 wire protocol (s3rver) with the
 * real AWS SDK: the short-lived URL a valid document link redirects to
 * serves the object until it expires, and is refused after.
 */
test.group('Documents | S3 pre-signed URLs', (group) => {
  const s3 = localS3
  group.setup(async () => {
    await s3.start()
  })

  test('a pre-signed GET works before expiry and is refused after it', async ({ assert }) => {
    const disk = documentDisk('s3')
    const key = `documents/presign-probe/${Date.now()}`
    await disk.put(key, 'evidence')
    try {
      const url = await disk.getSignedUrl(key, { expiresIn: '2s' })
      const fresh = await fetch(url)
      assert.equal(fresh.status, 200)
      assert.equal(await fresh.text(), 'evidence')

      await sleep(3500)
      const expired = await fetch(url)
      assert.equal(expired.status, 403)
      assert.include(await expired.text(), 'expired')
    } finally {
      await disk.delete(key)
    }
  }).timeout(30_000)
})

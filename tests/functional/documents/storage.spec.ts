import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import documentsConfig from '#config/documents'
import Document from '#models/document'
import DocumentVersion from '#models/document_version'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import {
  DISKS,
  localS3,
  SAMPLES,
  emptyDisk,
  fileLinks,
  storedKeys,
  uploadDocuments,
  useDisk,
} from '#tests/helpers/documents'

const s3 = localS3
const DEFAULTS = { ...documentsConfig }

async function signedInMember(role: 'member' | 'viewer' = 'member', account?: TestAccount) {
  const member = account ?? (await createAccount({ role }))
  const web = new WebClient()
  await web.signIn(member.email, member.password, member.totpSecret!)
  await web.get('/documents')
  return { member, web }
}

/**
 * The same behaviours on the local disk and on a real S3 wire protocol.
 */
for (const disk of DISKS) {
  test.group(`Documents on the ${disk} disk`, (group) => {
    group.setup(async () => {
      await s3.start()
      useDisk(disk)
      return async () => {
        Object.assign(documentsConfig, DEFAULTS)
      }
    })
    group.each.setup(resetDatabase())
    group.each.setup(async () => {
      Object.assign(documentsConfig, { ...DEFAULTS, disk })
      await emptyDisk(disk)
    })

    test('an upload is listed and its object is stored under the organisation and a random id', async ({
      assert,
    }) => {
      const { member, web } = await signedInMember()
      const response = await uploadDocuments(
        web,
        [{ name: 'access-policy.pdf', content: SAMPLES.pdf() }],
        {
          category: 'policy',
          title: 'Access control policy',
          controls: 'soc2-cc6.1 ISO27001-A.5.15',
        }
      )
      assert.equal(response.status, 302)
      assert.equal(response.headers.get('location'), '/documents')

      const page = await web.get('/documents')
      assert.include(page.text, 'Access control policy')
      assert.include(page.text, 'SOC2-CC6.1')
      assert.include(page.text, 'ISO27001-A.5.15')

      const [version] = await DocumentVersion.all()
      assert.equal(version.disk, disk)
      assert.equal(version.contentType, 'application/pdf')
      assert.match(
        version.storageKey,
        new RegExp(`^documents/${member.organization.publicId}/[A-Za-z0-9_-]{24}$`)
      )
      assert.deepEqual(await storedKeys(disk), [version.storageKey])
    })

    test('several files at once become one document each', async ({ assert }) => {
      const { web } = await signedInMember()
      const response = await uploadDocuments(web, [
        { name: 'soc2-report.pdf', content: SAMPLES.pdf('report') },
        { name: 'network.png', content: SAMPLES.png() },
        { name: 'notes.md', content: SAMPLES.markdown() },
      ])
      assert.equal(response.status, 302)
      const types = (await DocumentVersion.query().orderBy('id')).map((v) => v.contentType)
      assert.deepEqual(types, ['application/pdf', 'image/png', 'text/markdown; charset=utf-8'])
      assert.lengthOf(await storedKeys(disk), 3)
    })

    test('a signed link downloads the file until it expires, then is refused', async ({
      assert,
    }) => {
      documentsConfig.linkTtl = '2s'
      const { web } = await signedInMember()
      const content = SAMPLES.pdf('evidence')
      await uploadDocuments(web, [{ name: 'evidence.pdf', content }])
      const [link] = fileLinks((await web.get('/documents')).text)

      const fresh = await downloadFollowingRedirects(web, link)
      assert.equal(fresh.status, 200)
      assert.equal(fresh.contentType, 'application/pdf')
      assert.match(fresh.disposition!, /^attachment; filename="evidence\.pdf"/)
      assert.deepEqual(fresh.body, content)

      await sleep(2_200)
      const expired = await web.get(link)
      assert.equal(expired.status, 403)
      assert.include(expired.text, 'expired')
    }).timeout(20_000)

    test("a link to organisation A's document is refused to organisation B's member", async ({
      assert,
    }) => {
      const a = await signedInMember()
      await uploadDocuments(a.web, [{ name: 'a.pdf', content: SAMPLES.pdf() }])
      const [link] = fileLinks((await a.web.get('/documents')).text)
      const b = await signedInMember()

      const response = await b.web.get(link)
      assert.equal(response.status, 403)
      assert.notInclude(response.text, '%PDF')
      const document = await Document.firstOrFail()
      assert.equal((await b.web.get(`/documents/${document.publicId}`)).status, 404)
    })

    test('a link with a changed signature, version or disposition is refused', async ({
      assert,
    }) => {
      const { web } = await signedInMember()
      await uploadDocuments(web, [{ name: 'a.pdf', content: SAMPLES.pdf() }])
      const [link] = fileLinks((await web.get('/documents')).text)
      const url = new URL(link, 'http://x')
      const signature = url.searchParams.get('signature')!

      const tampered = new URL(url)
      tampered.searchParams.set('signature', `${signature.slice(0, -2)}xx`)
      const otherVersion = new URL(url)
      otherVersion.searchParams.set('version', '2')
      const unsigned = new URL(url)
      unsigned.searchParams.delete('signature')
      for (const changed of [tampered, otherVersion, unsigned]) {
        const response = await web.get(`${changed.pathname}${changed.search}`)
        assert.equal(response.status, 403, changed.search)
      }
    })

    test('a path in the file name never chooses the key, and the download name is safe', async ({
      assert,
    }) => {
      const { member, web } = await signedInMember()
      await uploadDocuments(web, [{ name: '../../etc/passwd.pdf', content: SAMPLES.pdf() }])
      const version = await DocumentVersion.firstOrFail()
      assert.equal(version.originalName, '../../etc/passwd.pdf')
      assert.notInclude(version.storageKey, '..')
      assert.notInclude(version.storageKey, 'passwd')
      assert.isTrue(version.storageKey.startsWith(`documents/${member.organization.publicId}/`))

      const [link] = fileLinks((await web.get('/documents')).text)
      const download = await downloadFollowingRedirects(web, link)
      assert.equal(download.status, 200)
      assert.equal(
        download.disposition,
        `attachment; filename="passwd.pdf"; filename*=UTF-8''passwd.pdf`
      )
    })

    test('an executable renamed report.pdf is refused by its content and nothing is stored', async ({
      assert,
    }) => {
      const { web } = await signedInMember()
      for (const content of [SAMPLES.elf(), SAMPLES.pe()]) {
        const response = await uploadDocuments(web, [{ name: 'report.pdf', content }])
        assert.equal(response.status, 422)
        assert.include(response.text, 'report.pdf is not an accepted document')
      }
      assert.lengthOf(await Document.all(), 0)
      assert.deepEqual(await storedKeys(disk), [])
    })

    test('an oversize file is refused with 413 and a clear message, and nothing is stored', async ({
      assert,
    }) => {
      documentsConfig.maxBytes = 1024
      const { web } = await signedInMember()
      const response = await uploadDocuments(web, [
        { name: 'small.pdf', content: SAMPLES.pdf() },
        { name: 'big.pdf', content: Buffer.concat([SAMPLES.pdf(), Buffer.alloc(4096, 32)]) },
      ])
      assert.equal(response.status, 413)
      assert.include(response.text, 'big.pdf is 4.')
      assert.include(response.text, 'documents may be at most 1KB. Nothing was uploaded.')
      assert.lengthOf(await Document.all(), 0)
      assert.deepEqual(await storedKeys(disk), [])
    })

    test('a request over the multipart limit is refused with 413 and a clear message', async ({
      assert,
    }) => {
      const { web } = await signedInMember()
      const tooMuch = Buffer.concat([
        SAMPLES.pdf(),
        Buffer.alloc(documentsConfig.requestLimitBytes, 32),
      ])
      const response = await uploadDocuments(web, [{ name: 'huge.pdf', content: tooMuch }])
      assert.equal(response.status, 413)
      assert.include(response.text, 'The upload is too large: send at most 30MB at once')
      assert.lengthOf(await Document.all(), 0)
      assert.deepEqual(await storedKeys(disk), [])
    }).timeout(30_000)

    test('replacing keeps every version and downloads the newest by default', async ({
      assert,
    }) => {
      const { web } = await signedInMember()
      await uploadDocuments(web, [{ name: 'policy.pdf', content: SAMPLES.pdf('v1') }])
      const document = await Document.firstOrFail()
      const { postMultipart } = await import('#tests/helpers/documents')
      const replaced = await postMultipart(web, `/documents/${document.publicId}/replace`, {}, [
        { field: 'file', file: { name: 'policy-2026.pdf', content: SAMPLES.pdf('v2') } },
      ])
      assert.equal(replaced.status, 302)

      const versions = await DocumentVersion.query().orderBy('version')
      assert.deepEqual(
        versions.map((v) => [v.version, v.originalName]),
        [
          [1, 'policy.pdf'],
          [2, 'policy-2026.pdf'],
        ]
      )
      assert.lengthOf(await storedKeys(disk), 2)
      const page = await web.get(`/documents/${document.publicId}`)
      const [, newest, oldest] = fileLinks(page.text)
      assert.include((await downloadFollowingRedirects(web, newest)).body.toString(), 'v2')
      assert.include((await downloadFollowingRedirects(web, oldest)).body.toString(), 'v1')
    })

    test('the PDF preview is served inline and may be framed by our own pages only', async ({
      assert,
    }) => {
      const { web } = await signedInMember()
      await uploadDocuments(web, [{ name: 'diagram.pdf', content: SAMPLES.pdf() }])
      const document = await Document.firstOrFail()
      const page = await web.get(`/documents/${document.publicId}`)
      const [preview] = fileLinks(page.text)
      assert.include(preview, 'disposition=inline')

      const response = await web.get(preview)
      assert.equal(response.status, 200)
      assert.match(response.headers.get('content-disposition')!, /^inline;/)
      assert.equal(response.headers.get('x-frame-options'), 'SAMEORIGIN')
      assert.include(response.headers.get('content-security-policy')!, "frame-ancestors 'self'")
    })

    test('a viewer can read documents but cannot upload, replace or delete', async ({ assert }) => {
      const { member, web } = await signedInMember()
      await uploadDocuments(web, [{ name: 'a.pdf', content: SAMPLES.pdf() }])
      const document = await Document.firstOrFail()
      const viewer = await createAccount({ role: 'viewer', organization: member.organization })
      const viewing = await signedInMember('viewer', viewer)

      assert.include((await viewing.web.get('/documents')).text, 'a.pdf')
      const upload = await uploadDocuments(viewing.web, [{ name: 'b.pdf', content: SAMPLES.pdf() }])
      assert.equal(upload.status, 403)
      const removal = await viewing.web.post(`/documents/${document.publicId}/delete`)
      assert.equal(removal.status, 403)
      assert.lengthOf(await storedKeys(disk), 1)
    })
  })
}

/**
 * Opens a signed link like a browser: the app either answers with the
 * file or (s3 disk) redirects to the bucket's pre-signed URL.
 */
async function downloadFollowingRedirects(web: WebClient, link: string) {
  const first = await fetch(new URL(link, web.baseUrl), {
    redirect: 'manual',
    headers: { cookie: web.cookieHeader() },
  })
  const response =
    first.status === 302
      ? await fetch(first.headers.get('location')!, { redirect: 'manual' })
      : first
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    disposition: response.headers.get('content-disposition'),
    body: Buffer.from(await response.arrayBuffer()),
  }
}

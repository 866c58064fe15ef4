import { test } from '@japa/runner'
import User from '#models/user'
import Membership from '#models/membership'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { SAMPLES, emptyDisk, useDisk } from '#tests/helpers/documents'

const baseUrl = () => `http://${process.env.HOST}:${process.env.PORT}`

async function tokenFor(user: User, abilities = ['read', 'write']) {
  const token = await User.accessTokens.create(user, abilities, { name: 'tests' })
  return token.value!.release()
}

function api(token: string, path: string, init: RequestInit = {}) {
  return fetch(new URL(path, baseUrl()), {
    redirect: 'manual',
    ...init,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...init.headers },
  })
}

type ApiItem = { id: string; title: string; controls: string[]; downloadUrl: string } & Record<
  string,
  any
>
type ApiList = { data: ApiItem[]; meta: Record<string, number> }
type ApiErrors = { errors: { field?: string; message: string }[] }

function uploadBody(fields: Record<string, string>, file?: { name: string; content: Buffer }) {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  if (file) form.append('file', new Blob([file.content]), file.name)
  return form
}

test.group('Documents API', (group) => {
  group.setup(() => useDisk('fs'))
  group.each.setup(resetDatabase())
  group.each.setup(() => emptyDisk('fs'))

  test('POST /api/v1/documents uploads one file and answers with public ids only', async ({
    assert,
  }) => {
    const account = await createAccount()
    const token = await tokenFor(account.user)
    const response = await api(token, '/api/v1/documents', {
      method: 'POST',
      body: uploadBody(
        { category: 'certificate', title: 'ISO certificate', controls: 'ISO27001-A.5.1' },
        { name: 'iso.pdf', content: SAMPLES.pdf() }
      ),
    })
    assert.equal(response.status, 201)
    const { data } = (await response.json()) as { data: ApiItem }
    assert.equal(data.title, 'ISO certificate')
    assert.deepEqual(data.controls, ['ISO27001-A.5.1'])
    assert.equal(data.currentVersion.contentType, 'application/pdf')
    assert.match(data.id, /^[A-Za-z0-9]{8,}$/)
    assert.notProperty(data, 'organizationId')
    assert.notMatch(JSON.stringify(data), /"(organizationId|documentId|uploadedById)"/)
  })

  test('GET /api/v1/documents is paginated and every item carries a fresh signed link that works with the token', async ({
    assert,
  }) => {
    const account = await createAccount()
    const token = await tokenFor(account.user)
    for (const title of ['one', 'two', 'three']) {
      await api(token, '/api/v1/documents', {
        method: 'POST',
        body: uploadBody(
          { category: 'report', title },
          { name: `${title}.pdf`, content: SAMPLES.pdf(title) }
        ),
      })
    }
    const page = (await (await api(token, '/api/v1/documents?perPage=2&page=1')).json()) as ApiList
    assert.lengthOf(page.data, 2)
    assert.deepInclude(page.meta, { total: 3, perPage: 2, currentPage: 1, lastPage: 2 })
    const [newest] = page.data
    assert.equal(newest.title, 'three')
    assert.match(newest.downloadUrl, /^http:\/\/.+\/api\/v1\/documents\/.+\/file\?.*signature=/)

    const download = await api(token, newest.downloadUrl)
    assert.equal(download.status, 200)
    assert.include(Buffer.from(await download.arrayBuffer()).toString(), 'three')
    const tampered = await api(
      token,
      newest.downloadUrl.replace('disposition=attachment', 'disposition=inline')
    )
    assert.equal(tampered.status, 403)
  })

  test("another organisation's member cannot use the link, even with a valid token", async ({
    assert,
  }) => {
    const a = await createAccount()
    const b = await createAccount()
    const tokenA = await tokenFor(a.user)
    await api(tokenA, '/api/v1/documents', {
      method: 'POST',
      body: uploadBody({ category: 'policy' }, { name: 'a.pdf', content: SAMPLES.pdf() }),
    })
    const [item] = ((await (await api(tokenA, '/api/v1/documents')).json()) as ApiList).data
    const response = await api(await tokenFor(b.user), item.downloadUrl)
    // the link names organisation A, which B's token may not act in
    assert.equal(response.status, 403)
    const listB = (await (await api(await tokenFor(b.user), '/api/v1/documents')).json()) as ApiList
    assert.lengthOf(listB.data, 0)
  })

  test('a read-only token cannot upload, and a member of several organisations must name one', async ({
    assert,
  }) => {
    const account = await createAccount()
    const readOnly = await tokenFor(account.user, ['read'])
    const refused = await api(readOnly, '/api/v1/documents', {
      method: 'POST',
      body: uploadBody({ category: 'policy' }, { name: 'a.pdf', content: SAMPLES.pdf() }),
    })
    assert.equal(refused.status, 403)

    const other = await createAccount()
    await Membership.create({
      userId: account.user.id,
      organizationId: other.organization.id,
      role: 'viewer',
    })
    const ambiguous = await api(readOnly, '/api/v1/documents')
    assert.equal(ambiguous.status, 422)
    const named = await api(
      readOnly,
      `/api/v1/documents?organization=${other.organization.publicId}`
    )
    assert.equal(named.status, 200)
  })

  test('an upload refused by content sniffing answers 422 with the reason', async ({ assert }) => {
    const account = await createAccount()
    const response = await api(await tokenFor(account.user), '/api/v1/documents', {
      method: 'POST',
      body: uploadBody({ category: 'report' }, { name: 'report.pdf', content: SAMPLES.elf() }),
    })
    assert.equal(response.status, 422)
    const body = (await response.json()) as ApiErrors
    assert.equal(body.errors[0].field, 'file')
    assert.include(body.errors[0].message, 'not an accepted document')
  })
})

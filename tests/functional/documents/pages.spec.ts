import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { SAMPLES, emptyDisk, uploadDocuments, useDisk } from '#tests/helpers/documents'
import AuditEvent from '#models/audit_event'
import Document from '#models/document'

async function libraryOfThree() {
  const account = await createAccount()
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  await web.get('/documents')
  await uploadDocuments(web, [{ name: 'access.pdf', content: SAMPLES.pdf() }], {
    category: 'policy',
    title: 'Access control policy',
    controls: 'SOC2-CC6.1',
  })
  await uploadDocuments(web, [{ name: 'pentest.pdf', content: SAMPLES.pdf() }], {
    category: 'report',
    title: 'Penetration test 2026',
    controls: 'SOC2-CC7.1',
  })
  await uploadDocuments(web, [{ name: 'diagram.png', content: SAMPLES.png() }], {
    category: 'other',
    title: 'Network diagram',
  })
  return { account, web }
}

function titles(html: string) {
  return [...html.matchAll(/<td><a href="\/documents\/[^"/]+">([^<]+)<\/a><\/td>/g)].map(
    (m) => m[1]
  )
}

test.group('Documents page', (group) => {
  group.setup(() => useDisk('fs'))
  group.each.setup(resetDatabase())
  group.each.setup(() => emptyDisk('fs'))

  test('search, category and control filters narrow the list', async ({ assert }) => {
    const { web } = await libraryOfThree()
    assert.deepEqual(titles((await web.get('/documents?q=pentest')).text), [
      'Penetration test 2026',
    ])
    assert.deepEqual(titles((await web.get('/documents?category=policy')).text), [
      'Access control policy',
    ])
    assert.deepEqual(titles((await web.get('/documents?control=soc2-cc7.1')).text), [
      'Penetration test 2026',
    ])
    assert.lengthOf(titles((await web.get('/documents')).text), 3)
  })

  test('htmx filtering gets the list alone; a history restore gets the whole page', async ({
    assert,
  }) => {
    const { web } = await libraryOfThree()
    const partial = await web.get('/documents?q=network', {
      'hx-request': 'true',
      'hx-target': 'documents-list',
    })
    assert.match(partial.text.trim(), /^(<!--.*?-->\s*)?<div id="documents-list">/s)
    assert.notInclude(partial.text, '<html')
    assert.include(partial.headers.get('vary') ?? '', 'HX-Request')
    assert.deepEqual(titles(partial.text), ['Network diagram'])

    const restore = await web.get('/documents?q=network', {
      'hx-request': 'true',
      'hx-history-restore-request': 'true',
    })
    assert.include(restore.text, '<html')
  })

  test('an htmx upload answers HX-Location to the list; the flash says what happened', async ({
    assert,
  }) => {
    const { web } = await libraryOfThree()
    const { postMultipart } = await import('#tests/helpers/documents')
    const response = await postMultipart(
      web,
      '/documents',
      { category: 'policy' },
      [{ field: 'files', file: { name: 'backup.pdf', content: SAMPLES.pdf() } }],
      { 'hx-request': 'true', 'hx-boosted': 'true' }
    )
    assert.equal(response.status, 204)
    assert.equal(response.headers.get('hx-location'), '/documents')
    assert.include((await web.get('/documents')).text, 'Uploaded 1 document.')
  })

  test('a control code in the wrong format is refused inline', async ({ assert }) => {
    const { web } = await libraryOfThree()
    const response = await uploadDocuments(web, [{ name: 'x.pdf', content: SAMPLES.pdf() }], {
      category: 'policy',
      controls: 'SOC2-CC6.1 drop;table',
    })
    assert.equal(response.status, 422)
    assert.include(response.text, 'is not a control code')
    assert.lengthOf(await Document.all(), 3)
  })

  test('delete hides the document at once and is audited with the upload', async ({ assert }) => {
    const { web } = await libraryOfThree()
    const document = await Document.findByOrFail('title', 'Network diagram')
    const response = await web.post(`/documents/${document.publicId}/delete`)
    assert.equal(response.status, 302)
    const page = (await web.get('/documents')).text
    assert.include(page, 'Deleted “Network diagram”.')
    assert.notInclude(titles(page), 'Network diagram')
    assert.equal((await web.get(`/documents/${document.publicId}`)).status, 404)
    await document.refresh()
    assert.isNotNull(document.deletedAt)
    const events = (await AuditEvent.query().orderBy('id')).map((event) => event.event)
    assert.includeMembers(events, ['document.uploaded', 'document.deleted'])
  })

  test('the header links to Documents', async ({ assert }) => {
    const { web } = await libraryOfThree()
    assert.include((await web.get('/')).text, 'href="/documents"')
  })
})

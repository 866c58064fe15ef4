import { test } from '@japa/runner'
import { createRequire } from 'node:module'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createOrganization } from '#tests/helpers/factories'
import { WebClient } from '#tests/helpers/web_client'
import { publicIds } from '#services/public_id'

const require = createRequire(import.meta.url)

test.group('Pages', (group) => {
  group.each.setup(resetDatabase)

  test('the sign-in page renders and loads htmx from our own origin', async ({
    client,
    assert,
  }) => {
    const response = await client.get('/sign-in')
    response.assertStatus(200)
    const html = response.text()
    const htmxSrc = /<script src="([^"]*htmx[^"]*)"/.exec(html)?.[1]
    assert.match(htmxSrc ?? '', /^\/assets\/htmx\.[a-f0-9]{10}\.js$/)
    assert.notMatch(html, /<script[^>]+src="https?:/)
    assert.include(html, 'hx-boost="true"')
  })

  test('every htmx request carries the CSRF token', async ({ client, assert }) => {
    const html = (await client.get('/sign-in')).text()
    assert.match(html, /hx-headers='\{"X-CSRF-TOKEN": "[^"]{20,}"\}'/)
  })

  test('the htmx asset is the npm package, cached immutably under its hash', async ({
    client,
    assert,
  }) => {
    const html = (await client.get('/sign-in')).text()
    const htmxSrc = /<script src="([^"]*htmx[^"]*)"/.exec(html)![1]
    const response = await client.get(htmxSrc)
    response.assertStatus(200)
    assert.include(response.header('content-type'), 'text/javascript')
    assert.equal(response.header('cache-control'), 'public, max-age=31536000, immutable')
    const { version } = require('htmx.org/package.json')
    assert.include(response.text(), `version:"${version}"`)
  })

  test('an outdated asset hash is served but not cached forever', async ({ client, assert }) => {
    const response = await client.get('/assets/app.0000000000.css')
    response.assertStatus(200)
    assert.equal(response.header('cache-control'), 'no-cache')
  })

  test('an unknown page is a styled 404', async ({ client, assert }) => {
    const response = await client.get('/no/such/page').header('accept', 'text/html')
    response.assertStatus(404)
    assert.include(response.text(), 'Page not found')
    assert.match(response.text(), /<link rel="stylesheet" href="\/assets\/app\.[a-f0-9]{10}\.css"/)
  })

  test('an API client asking for JSON gets a JSON 404', async ({ client, assert }) => {
    const response = await client.get('/no/such/page').header('accept', 'application/json')
    response.assertStatus(404)
    assert.include(response.header('content-type'), 'application/json')
  })

  test('a signed-out visitor is sent to sign in', async ({ client }) => {
    const response = await client.get('/').redirects(0)
    response.assertStatus(302)
    response.assertHeader('location', '/sign-in')
  })
})

test.group('Pages | htmx renderings', (group) => {
  group.each.setup(resetDatabase)

  test('a plain htmx request gets only the fragment, boosted and history restore the page', async ({
    assert,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    const web = new WebClient()
    await web.signIn(admin.email, admin.password, admin.totpSecret!)

    const fragment = await web.get('/settings/audit', { 'HX-Request': 'true' })
    assert.equal(fragment.status, 200)
    assert.include(fragment.text, 'id="audit-table"')
    assert.notInclude(fragment.text, '<html')
    assert.include(fragment.headers.get('vary') ?? '', 'HX-Request')

    const boosted = await web.get('/settings/audit', { 'HX-Request': 'true', 'HX-Boosted': 'true' })
    assert.include(boosted.text, '<html')
    const restore = await web.get('/settings/audit', {
      'HX-Request': 'true',
      'HX-History-Restore-Request': 'true',
    })
    assert.include(restore.text, '<html')
  })
})

test.group('Pages | public ids', (group) => {
  group.each.setup(resetDatabase)

  test('an organisation page is found by its public id', async ({ assert }) => {
    const account = await createAccount()
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const response = await web.get(`/organizations/${account.organization.publicId}`)
    assert.equal(response.status, 200)
    assert.include(response.text, account.organization.name)
  })

  test('a primary key or a public id of another kind in the URL is a 404', async ({ assert }) => {
    const account = await createAccount()
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    assert.equal((await web.get(`/organizations/${account.organization.id}`)).status, 404)
    const otherKind = publicIds('repository').encode(account.organization.id)
    assert.equal((await web.get(`/organizations/${otherKind}`)).status, 404)
  })

  test('no primary key appears in serialised JSON', async ({ assert }) => {
    const organization = await createOrganization()
    const json = organization.serialize()
    assert.equal(json.publicId, organization.publicId)
    assert.notProperty(json, 'id')
    const account = await createAccount({ organization })
    const user = account.user.serialize()
    assert.notProperty(user, 'id')
    assert.notProperty(user, 'password')
    assert.equal(user.publicId, account.user.publicId)
  })
})

import { test } from '@japa/runner'
import { createRequire } from 'node:module'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { publicIds } from '#services/public_id'

const require = createRequire(import.meta.url)

test.group('Pages', (group) => {
  group.each.setup(resetDatabase)

  test('the home page renders and loads htmx from our own origin', async ({ client, assert }) => {
    await createOrganization({ name: 'Initech' })
    const response = await client.get('/')
    response.assertStatus(200)
    const html = response.text()
    assert.include(html, 'Initech')
    const htmxSrc = /<script src="([^"]*htmx[^"]*)"/.exec(html)?.[1]
    assert.match(htmxSrc ?? '', /^\/assets\/htmx\.[a-f0-9]{10}\.js$/)
    assert.notMatch(html, /<script[^>]+src="https?:/)
    assert.include(html, 'hx-boost="true"')
  })

  test('every htmx request carries the CSRF token', async ({ client, assert }) => {
    const html = (await client.get('/')).text()
    assert.match(html, /hx-headers='\{"X-CSRF-TOKEN": "[^"]{20,}"\}'/)
  })

  test('the htmx asset is the npm package, cached immutably under its hash', async ({
    client,
    assert,
  }) => {
    const html = (await client.get('/')).text()
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

  test('pages send strict security headers', async ({ client, assert }) => {
    const response = await client.get('/')
    const csp = response.header('content-security-policy')
    assert.include(csp, "frame-ancestors 'none'")
    assert.include(csp, "script-src 'self'")
    assert.notInclude(csp, 'unsafe-inline')
    assert.equal(response.header('x-content-type-options'), 'nosniff')
    assert.equal(response.header('referrer-policy'), 'strict-origin-when-cross-origin')
    assert.isString(response.header('x-request-id'))
  })
})

test.group('Pages | htmx renderings', (group) => {
  group.each.setup(resetDatabase)

  test('a plain htmx request gets only the fragment', async ({ client, assert }) => {
    await createOrganization({ name: 'Globex' })
    const response = await client.get('/').qs({ q: 'glob' }).header('HX-Request', 'true')
    response.assertStatus(200)
    assert.include(response.text(), 'id="organization-list"')
    assert.include(response.text(), 'Globex')
    assert.notInclude(response.text(), '<html')
    assert.include(response.header('vary'), 'HX-Request')
  })

  test('boosted navigation and history restore get the whole page', async ({ client, assert }) => {
    const boosted = await client.get('/').header('HX-Request', 'true').header('HX-Boosted', 'true')
    assert.include(boosted.text(), '<html')
    const restore = await client
      .get('/')
      .header('HX-Request', 'true')
      .header('HX-History-Restore-Request', 'true')
    assert.include(restore.text(), '<html')
  })

  test('the search filters organisations without JavaScript too', async ({ client, assert }) => {
    await createOrganization({ name: 'Globex' })
    await createOrganization({ name: 'Umbrella' })
    const response = await client.get('/').qs({ q: 'umb' })
    assert.include(response.text(), 'Umbrella')
    assert.notInclude(response.text(), 'Globex')
    assert.include(response.text(), '<html')
  })

  test('a search with LIKE wildcards matches them literally', async ({ client, assert }) => {
    await createOrganization({ name: 'Hooli' })
    const response = await client.get('/').qs({ q: '%' })
    assert.notInclude(response.text(), 'Hooli')
    assert.include(response.text(), 'No organisation matches')
  })
})

test.group('Pages | public ids', (group) => {
  group.each.setup(resetDatabase)

  test('an organisation page is found by its public id', async ({ client, assert }) => {
    const organization = await createOrganization({ name: 'Vandelay' })
    const response = await client.get(`/organizations/${organization.publicId}`)
    response.assertStatus(200)
    assert.include(response.text(), 'Vandelay')
  })

  test('a primary key in the URL is a 404', async ({ client }) => {
    const organization = await createOrganization()
    const response = await client.get(`/organizations/${organization.id}`)
    response.assertStatus(404)
  })

  test('a public id of another kind is a 404', async ({ client }) => {
    const organization = await createOrganization()
    const response = await client.get(
      `/organizations/${publicIds('repository').encode(organization.id)}`
    )
    response.assertStatus(404)
  })

  test('no primary key appears in the page or in serialised JSON', async ({ client, assert }) => {
    const organization = await createOrganization()
    const json = organization.serialize()
    assert.equal(json.publicId, organization.publicId)
    assert.notProperty(json, 'id')
    const html = (await client.get('/')).text()
    assert.notInclude(html, `/organizations/${organization.id}"`)
  })
})

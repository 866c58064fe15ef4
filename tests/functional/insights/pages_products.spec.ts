import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { buildSmallFixture, insertProduct, insertRepository } from '#tests/helpers/insights'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import Product from '#models/product'
import AuditEvent from '#models/audit_event'
import { publicIds } from '#services/public_id'
import type { RoleName } from '#services/authorization'

const WEEK = 'range=custom&from=2026-03-02&to=2026-03-08'
const repositoryId = (id: number) => publicIds('repository').encode(id)

async function signedIn(role: RoleName) {
  const account = await createAccount({ role })
  const fixture = await buildSmallFixture(account.organization.id)
  await new RollUpMetrics().execute({ organizationId: account.organization.id })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  const core = await Product.findOrFail(fixture.core)
  return { account, fixture, web, core }
}

async function repositoriesOf(productId: number) {
  const rows = await db
    .from('product_repositories')
    .where('product_id', productId)
    .select('repository_id')
    .orderBy('repository_id')
  return rows.map((row) => Number(row.repository_id))
}

test.group('Insights pages | products', (group) => {
  group.each.setup(resetDatabase())

  test('the list links each product by public id, with its numbers and an export', async ({
    assert,
  }) => {
    const { web, core } = await signedIn('viewer')
    const page = await web.get(`/insights/products?${WEEK}`)
    assert.equal(page.status, 200)
    assert.include(page.text, `<a href="/insights/products/${core.publicId}">Core</a>`)
    assert.notInclude(page.text, `/insights/products/${core.id}"`)
    assert.include(page.text, 'data-export="products"')
    assert.match(page.text, /<svg [^>]*role="(?:img|group)"/)
  })

  test('a product page shows its metrics, repositories, contributors, trends and GenAI composition', async ({
    assert,
  }) => {
    const { web, core, account } = await signedIn('viewer')
    // per-person figures are hidden by default; this organisation shows them
    await db
      .from('organizations')
      .where('id', account.organization.id)
      .update({ per_person_figures: true })
    const page = await web.get(`/insights/products/${core.publicId}?${WEEK}`)
    assert.equal(page.status, 200)
    assert.include(page.text, '<h1>Core</h1>')
    assert.include(page.text, 'acme/alpha')
    assert.notInclude(page.text, 'acme/beta')
    for (const name of ['repositories', 'contributors', 'genai', 'kpis', 'vulnerabilities']) {
      assert.include(page.text, `data-export="${name}"`)
    }
    assert.include(page.text, 'Cycle time split (hours)')
    assert.include(page.text, 'GenAI composition of the code (lines)')
    // alice, bob and carol opened pull requests or committed on alpha that week
    assert.match(page.text, /<th scope="row">\s*alice\s*<\/th>/)
    assert.include(page.text, 'Most active contributors (3 in all)')
    const csv = await web.get(
      `/insights/products/${core.publicId}?${WEEK}&format=csv&table=repositories`
    )
    assert.equal(csv.status, 200)
    assert.equal(csv.text.split('\r\n')[1].split(',')[0], 'acme/alpha')
  })

  test("another organisation's product is a 404 on every route", async ({ assert }) => {
    const { web } = await signedIn('admin')
    const other = await createAccount({ role: 'owner' })
    const theirs = await Product.findOrFail(
      await insertProduct(other.organization.id, 'Secret', [])
    )
    for (const path of [
      `/insights/products/${theirs.publicId}`,
      `/insights/products/${theirs.publicId}/edit`,
      `/insights/products/${theirs.publicId}?format=csv&table=repositories`,
      '/insights/products/not-an-id',
    ]) {
      assert.equal((await web.get(path)).status, 404, path)
    }
    await web.get('/insights/products')
    assert.equal(
      (await web.post(`/insights/products/${theirs.publicId}`, { name: 'Mine now' })).status,
      404
    )
    assert.equal((await web.post(`/insights/products/${theirs.publicId}/delete`)).status, 404)
    await theirs.refresh()
    assert.equal(theirs.name, 'Secret')
  })

  test('a viewer reads products but cannot create, edit or delete them', async ({ assert }) => {
    const { web, core } = await signedIn('viewer')
    const list = await web.get('/insights/products')
    assert.include(list.text, '<form method="GET" action="/insights/products"')
    assert.notInclude(list.text, '<form method="POST" action="/insights/products"')
    assert.notInclude((await web.get(`/insights/products/${core.publicId}`)).text, 'Edit product')
    assert.equal((await web.post('/insights/products', { name: 'Mine' })).status, 403)
    assert.equal((await web.get(`/insights/products/${core.publicId}/edit`)).status, 403)
    assert.equal(
      (await web.post(`/insights/products/${core.publicId}/repositories`, { repositories: [] }))
        .status,
      403
    )
    assert.equal((await web.post(`/insights/products/${core.publicId}/delete`)).status, 403)
    assert.equal(
      await Product.query()
        .count('* as total')
        .first()
        .then((row) => Number(row!.$extras.total)),
      1
    )
  })

  test('an admin creates a product, then lands on its edit page to choose repositories', async ({
    assert,
  }) => {
    const { account, web } = await signedIn('admin')
    await web.get('/insights/products')
    const created = await web.post('/insights/products', {
      name: 'Payments',
      description: 'Card and wallet flows',
    })
    assert.equal(created.status, 302)
    const product = await Product.findByOrFail('name', 'Payments')
    assert.equal(product.organizationId, account.organization.id)
    assert.equal(product.description, 'Card and wallet flows')
    assert.equal(created.location, `/insights/products/${product.publicId}/edit`)
    const audit = await AuditEvent.findByOrFail('event', 'product.created')
    assert.equal(audit.actorId, account.user.id)
    assert.equal(audit.organizationId, account.organization.id)
    assert.equal(audit.subject, 'Payments')
    const edit = await web.get(created.location!)
    assert.include(edit.text, 'Created “Payments”: now choose its repositories.')
    assert.include(edit.text, 'name="repositories[]"')
  })

  test('a duplicate name (any case) is refused next to the field with a 422', async ({
    assert,
  }) => {
    const { web } = await signedIn('admin')
    await web.get('/insights/products')
    const response = await web.post('/insights/products', { name: 'core' })
    assert.equal(response.status, 422)
    assert.include(response.text, 'A product named “core” already exists.')
    assert.lengthOf(await Product.all(), 1)
  })

  test('htmx writes answer with HX-Location instead of a redirect', async ({ assert }) => {
    const { web } = await signedIn('admin')
    await web.get('/insights/products')
    const response = await web.post(
      '/insights/products',
      { name: 'Mobile' },
      { headers: { 'HX-Request': 'true' } }
    )
    assert.equal(response.status, 204)
    const product = await Product.findByOrFail('name', 'Mobile')
    assert.equal(response.headers.get('hx-location'), `/insights/products/${product.publicId}/edit`)
  })

  test('an admin sets the repositories of a product; a repository of another organisation is refused', async ({
    assert,
  }) => {
    const { fixture, web, core } = await signedIn('admin')
    const gamma = await insertRepository(
      (await core.related('repositoryLinks').query().first())!.organizationId,
      'gamma'
    )
    await web.get(`/insights/products/${core.publicId}/edit`)
    const saved = await web.post(`/insights/products/${core.publicId}/repositories`, {
      'repositories[]': [repositoryId(fixture.beta), repositoryId(gamma)],
    })
    assert.equal(saved.status, 302)
    assert.equal(saved.location, `/insights/products/${core.publicId}`)
    assert.deepEqual(
      await repositoriesOf(core.id),
      [fixture.beta, gamma].sort((a, b) => a - b)
    )

    const other = await createAccount({ role: 'owner' })
    const foreign = await insertRepository(other.organization.id, 'foreign')
    await web.get(`/insights/products/${core.publicId}/edit`)
    const refused = await web.post(`/insights/products/${core.publicId}/repositories`, {
      'repositories[]': [repositoryId(fixture.alpha), repositoryId(foreign)],
    })
    assert.equal(refused.status, 422)
    assert.include(refused.text, 'One of the chosen repositories does not exist.')
    assert.deepEqual(
      await repositoriesOf(core.id),
      [fixture.beta, gamma].sort((a, b) => a - b)
    )

    assert.equal(
      await AuditEvent.query()
        .where('event', 'product.repositories_changed')
        .count('* as total')
        .first()
        .then((row) => Number(row!.$extras.total)),
      1
    )
    await web.get(`/insights/products/${core.publicId}/edit`)
    const emptied = await web.post(`/insights/products/${core.publicId}/repositories`)
    assert.equal(emptied.status, 302)
    assert.deepEqual(await repositoriesOf(core.id), [])
  })

  test('an admin renames and deletes a product; its repositories stay', async ({ assert }) => {
    const { fixture, web, core } = await signedIn('admin')
    await web.get(`/insights/products/${core.publicId}/edit`)
    const renamed = await web.post(`/insights/products/${core.publicId}`, { name: 'Core platform' })
    assert.equal(renamed.status, 302)
    await core.refresh()
    assert.equal(core.name, 'Core platform')

    await web.get(`/insights/products/${core.publicId}/edit`)
    const deleted = await web.post(`/insights/products/${core.publicId}/delete`)
    assert.equal(deleted.status, 302)
    assert.equal(deleted.location, '/insights/products')
    assert.isNull(await Product.find(core.id))
    assert.isNotNull(await db.from('repositories').where('id', fixture.alpha).first())
    const list = await web.get('/insights/products')
    assert.include(list.text, 'Deleted “Core platform”.')
    const events = await AuditEvent.query()
      .whereIn('event', ['product.updated', 'product.deleted'])
      .orderBy('id')
    assert.deepEqual(
      events.map((event) => [event.event, event.subject]),
      [
        ['product.updated', 'Core platform'],
        ['product.deleted', 'Core platform'],
      ]
    )
  })

  test('a cached product list is refreshed after a change', async ({ assert }) => {
    const { web } = await signedIn('admin')
    assert.notInclude((await web.get('/insights/products')).text, '>Search</a>')
    await web.post('/insights/products', { name: 'Search' })
    assert.include((await web.get('/insights/products')).text, '>Search</a>')
  })
})

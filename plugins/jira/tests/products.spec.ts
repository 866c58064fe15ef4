import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import Product from '#models/product'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { insertProduct } from '#tests/helpers/insights'
import { WebClient } from '#tests/helpers/web_client'
import type { FakeJira } from './fake_jira/server.js'
import { addIssue } from './fake_jira/seed.js'
import { connectSite, startJira } from './testbed.js'

/**
 * Products made of Jira projects or components: an admin ticks them on
 * the product's edit page, and Product Detail lists that product's issues
 * (synced from the fake Jira through jira.js).
 */
const WEEK = 'range=custom&from=2026-11-02&to=2026-11-08'

async function signedIn(role: 'admin' | 'viewer') {
  const account = await createAccount({ role })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  return { account, web }
}

async function scopesOf(productId: number) {
  const rows = await db
    .from('product_issue_scopes')
    .where('product_id', productId)
    .orderBy(['project_key', 'component'])
  return rows.map((row) =>
    row.component ? `${row.project_key}:${row.component}` : row.project_key
  )
}

/** the first cells (issue keys) of one dashboard table */
function rowKeys(html: string, table: string) {
  const start = html.indexOf(`data-table="${table}"`)
  const section = html.slice(start, html.indexOf('</section>', start))
  return [...section.matchAll(/<th scope="row">\s*(?:<a [^>]*>)?\s*([^<\s]+)/g)].map(
    (match) => match[1]
  )
}

test.group('Jira | products made of projects and components', (group) => {
  let jira: FakeJira
  group.setup(async () => {
    jira = await startJira()
    return () => jira.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => jira.reset())

  test('an admin makes a product of a Jira component and a project; Product Detail lists their issues', async ({
    assert,
  }) => {
    const site = jira.site('c1')
    addIssue(site, { projectKey: 'ENG', summary: 'Checkout button', components: ['Web_UI'] })
    addIssue(site, { projectKey: 'ENG', summary: 'Invoice totals', components: ['Billing'] })
    // "_" is a LIKE wildcard: Web_UI must not take WebXUI's issues
    addIssue(site, { projectKey: 'ENG', summary: 'Wrong widget', components: ['WebXUI'] })
    addIssue(site, { projectKey: 'OPS', summary: 'Rotate the keys' })
    addIssue(site, { projectKey: 'SEC', summary: 'Not this product' })
    const { account, web } = await signedIn('admin')
    const organizationId = account.organization.id
    await new RunSync().execute({
      connection: await connectSite(account.organization, jira, 'c1'),
      trigger: 'cli',
    })
    const product = await Product.findOrFail(await insertProduct(organizationId, 'Storefront', []))

    const edit = await web.get(`/insights/products/${product.publicId}/edit`)
    assert.equal(edit.status, 200)
    for (const value of ['ENG', 'ENG:Billing', 'ENG:Web_UI', 'ENG:WebXUI', 'OPS', 'SEC']) {
      assert.include(edit.text, `name="issue_projects[]" value="${value}"`)
    }

    const saved = await web.post(`/insights/products/${product.publicId}/issue-projects`, {
      'issue_projects[]': ['ENG:Web_UI', 'OPS'],
    })
    assert.equal(saved.status, 302)
    assert.equal(saved.location, `/insights/products/${product.publicId}`)
    assert.deepEqual(await scopesOf(product.id), ['ENG:Web_UI', 'OPS'])

    const page = await web.get(`/insights/products/${product.publicId}?${WEEK}`)
    assert.equal(page.status, 200)
    assert.include(page.text, 'data-export="product_issues"')
    assert.deepEqual(rowKeys(page.text, 'product_issues').sort(), ['ENG-1', 'OPS-1'])
    assert.include(page.text, 'Checkout button')
    assert.notInclude(page.text, 'Wrong widget')

    const again = await web.get(`/insights/products/${product.publicId}/edit`)
    assert.include(again.text, 'value="ENG:Web_UI" checked')
    assert.include(again.text, 'value="OPS" checked')
    assert.notInclude(again.text, 'value="ENG" checked')

    // the whole project instead: every ENG issue, and OPS no more
    await web.post(`/insights/products/${product.publicId}/issue-projects`, {
      'issue_projects[]': ['ENG'],
    })
    const whole = await web.get(`/insights/products/${product.publicId}?${WEEK}`)
    assert.deepEqual(rowKeys(whole.text, 'product_issues').sort(), ['ENG-1', 'ENG-2', 'ENG-3'])

    const csv = await web.get(
      `/insights/products/${product.publicId}?${WEEK}&format=csv&table=product_issues`
    )
    assert.equal(csv.status, 200)
    assert.match(csv.text, /^issue,title,type,status,sprint,opened,resolved/)
    assert.include(csv.text, 'ENG-2,Invoice totals')

    const audits = await db
      .from('audit_events')
      .where('organization_id', organizationId)
      .where('event', 'product.issue_projects_changed')
    assert.lengthOf(audits, 2)
  })

  test('an unknown project or component is refused with 422 and nothing changes; viewers and other organisations cannot', async ({
    assert,
  }) => {
    addIssue(jira.site('c1'), { projectKey: 'ENG', components: ['Billing'] })
    const { account, web } = await signedIn('admin')
    await new RunSync().execute({
      connection: await connectSite(account.organization, jira, 'c1'),
      trigger: 'cli',
    })
    const product = await Product.findOrFail(
      await insertProduct(account.organization.id, 'Billing', [])
    )
    await web.get(`/insights/products/${product.publicId}/edit`)
    await web.post(`/insights/products/${product.publicId}/issue-projects`, {
      'issue_projects[]': ['ENG:Billing'],
    })

    for (const wanted of [['ENG:Billing', 'NOPE'], ['ENG:Payroll']]) {
      await web.get(`/insights/products/${product.publicId}/edit`)
      const refused = await web.post(`/insights/products/${product.publicId}/issue-projects`, {
        'issue_projects[]': wanted,
      })
      assert.equal(refused.status, 422)
      assert.include(refused.text, 'is not a project or component of this organisation')
      assert.deepEqual(await scopesOf(product.id), ['ENG:Billing'], 'nothing written')
    }

    const viewer = await createAccount({ role: 'viewer', organization: account.organization })
    const looker = new WebClient()
    await looker.signIn(viewer.email, viewer.password, viewer.totpSecret!)
    await looker.get(`/insights/products/${product.publicId}`)
    const forbidden = await looker.post(`/insights/products/${product.publicId}/issue-projects`, {
      'issue_projects[]': [],
    })
    assert.equal(forbidden.status, 403)

    const { web: stranger } = await signedIn('admin')
    await stranger.get('/insights/products')
    const foreign = await stranger.post(`/insights/products/${product.publicId}/issue-projects`, {
      'issue_projects[]': [],
    })
    assert.equal(foreign.status, 404)
    assert.deepEqual(await scopesOf(product.id), ['ENG:Billing'])
  })
})

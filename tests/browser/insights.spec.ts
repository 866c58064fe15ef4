import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'
import { totp } from '#services/totp'
import PopulateDevData from '#actions/demo/populate_dev_data'
import { DEMO_PRODUCTS } from '#actions/demo/insights_demo_data'
import Product from '#models/product'

type Marked = { insightsMarker?: string }

async function signIn(visit: (path: string) => Promise<Page>, account: TestAccount) {
  const page = await visit('/sign-in')
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill(account.password)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.waitForURL('**/sign-in/mfa')
  await page.getByLabel('Code', { exact: true }).fill(totp.codeAt(account.totpSecret!, Date.now()))
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.waitForURL((url) => url.pathname === '/')
  return page
}

/**
 * The demo organisation of "node ace populate:dev-data", and an admin of
 * it who signs in with a TOTP code.
 */
async function demoAdmin() {
  const { organization } = await new PopulateDevData().execute()
  return createAccount({ organization: organization!, role: 'admin' })
}

async function chartsOn(page: Page) {
  return page.locator('#insights-body svg[role="img"]').count()
}

test.group('Browser | insights', (group) => {
  group.each.setup(resetDatabase())

  test('the demo organisation: three dashboards with charts, a date range swapped in by htmx, a CSV download', async ({
    visit,
    assert,
  }) => {
    const admin = await demoAdmin()
    const page = await signIn(visit, admin)

    // Executive Summary
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Summary' })
      .click()
    await page.waitForURL('**/insights')
    await page.getByRole('heading', { name: 'Executive Summary', level: 1 }).waitFor()
    assert.isAtLeast(await chartsOn(page), 10)
    assert.equal(await page.locator('.kpi-card').count(), 10)
    const caption = page.locator('[data-range]')
    const ninetyDays = await caption.getAttribute('data-range')

    // Changing the period swaps the body alone: the page (and this marker) stays.
    await page.evaluate(() => ((globalThis as Marked).insightsMarker = 'same page'))
    const swapped = page.waitForResponse(
      (response) =>
        response.url().includes('range=30') && response.request().headers()['hx-request'] === 'true'
    )
    await page
      .getByRole('navigation', { name: 'Period' })
      .getByRole('link', { name: '30 days' })
      .click()
    await swapped
    await page.locator(`[data-range]:not([data-range="${ninetyDays}"])`).waitFor()
    assert.include(await caption.textContent(), 'Last 30 days')
    assert.equal(await page.evaluate(() => (globalThis as Marked).insightsMarker), 'same page')
    assert.match(page.url(), /\/insights\?(.*&)?range=30/)
    assert.isAtLeast(await chartsOn(page), 10)

    // A custom period: the form's own fields, the same swap.
    const day = (back: number) =>
      new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10)
    const custom = page.getByRole('form', { name: 'Custom period' })
    await custom.getByLabel('From').fill(day(60))
    await custom.getByLabel('To').fill(day(31))
    await custom.getByRole('button', { name: 'Apply' }).click()
    await page.locator(`[data-range="${day(60)}/${day(31)}"]`).waitFor()
    assert.equal(await page.evaluate(() => (globalThis as Marked).insightsMarker), 'same page')
    assert.include(page.url(), `from=${day(60)}`)

    // The products table downloads as CSV.
    const download = page.waitForEvent('download')
    await page.locator('[data-export="products"]').click()
    const file = await download
    assert.match(
      file.suggestedFilename(),
      /^executive-summary-products-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/
    )
    const csv = await readFile((await file.path())!, 'utf8')
    const lines = csv.trimEnd().split('\r\n')
    assert.match(lines[0], /^Product,Repositories,Merged PRs,/)
    assert.sameMembers(
      lines.slice(1).map((line) => line.split(',')[0]),
      DEMO_PRODUCTS
    )

    // Products, then one product's page
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Products' })
      .click()
    await page.waitForURL('**/insights/products')
    for (const name of DEMO_PRODUCTS) {
      await page.locator('[data-table="products"]').getByRole('link', { name }).waitFor()
    }
    await page
      .locator('[data-table="products"]')
      .getByRole('link', { name: DEMO_PRODUCTS[0] })
      .click()
    await page.getByRole('heading', { name: DEMO_PRODUCTS[0], level: 1 }).waitFor()
    assert.isAtLeast(await chartsOn(page), 10)
    assert.isAtLeast(await page.locator('[data-table="repositories"] tbody tr').count(), 1)

    // Compliance, with the jurisdiction selector swapping the body
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Compliance' })
      .click()
    await page.waitForURL('**/insights/compliance')
    await page.locator('.standard').first().waitFor()
    assert.isAtLeast(await chartsOn(page), 1)
    await page.evaluate(() => ((globalThis as Marked).insightsMarker = 'compliance'))
    await page.getByRole('combobox', { name: 'Jurisdiction' }).selectOption('DE')
    await page.getByRole('heading', { name: 'Germany', level: 2 }).waitFor()
    assert.equal(await page.evaluate(() => (globalThis as Marked).insightsMarker), 'compliance')
    assert.include(page.url(), 'geography=DE')
  }).timeout(180_000)

  test("a member of another organisation sees none of the demo's dashboards", async ({
    visit,
    assert,
  }) => {
    const { organization } = await new PopulateDevData().execute()
    const product = await Product.query().where('organization_id', organization!.id).firstOrFail()
    const outsider = await createAccount({ role: 'owner' })
    const page = await signIn(visit, outsider)

    const response = await page.goto(
      new URL(`/insights/products/${product.publicId}`, page.url()).href
    )
    assert.equal(response?.status(), 404)
    const csv = await page.goto(
      new URL(`/insights/products/${product.publicId}?format=csv&table=repositories`, page.url())
        .href
    )
    assert.equal(csv?.status(), 404)

    await page.goto(new URL('/insights/products', page.url()).href)
    assert.equal(await page.getByRole('link', { name: product.name }).count(), 0)
    await page.goto(new URL('/insights', page.url()).href)
    await page.getByTestId('insights-empty').waitFor()
  }).timeout(180_000)
})

import { test } from '@japa/runner'
import { mkdir } from 'node:fs/promises'
import type { Page } from 'playwright'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'
import { totp } from '#services/totp'
import PopulateDevData from '#actions/demo/populate_dev_data'

const SCREENSHOTS = process.env.SCREENSHOTS === '1'

async function signIn(visit: (path: string) => Promise<Page>, account: TestAccount) {
  const page = await visit('/sign-in')
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill(account.password)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.waitForURL('**/sign-in/mfa')
  await page.getByLabel('Code', { exact: true }).fill(totp.codeAt(account.totpSecret!, Date.now()))
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.waitForURL((url) => url.pathname === '/')
  return page
}

async function shoot(page: Page, name: string) {
  if (!SCREENSHOTS) return
  await mkdir('tmp/screenshots', { recursive: true })
  await page.screenshot({
    path: `tmp/screenshots/drill--${name}.png`,
    fullPage: !name.endsWith('390'),
  })
}

/** the page never scrolls sideways: wide tables scroll inside their own region */
async function pageWidth(page: Page) {
  return page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
        .documentElement.scrollWidth
  )
}

test.group('Browser | insights drill-down', (group) => {
  group.each.setup(resetDatabase())

  test('a KPI card opens its pull requests; the filters swap the list in place and fit a phone', async ({
    visit,
    assert,
  }) => {
    const { organization } = await new PopulateDevData().execute()
    const admin = await createAccount({ organization: organization!, role: 'admin' })
    const page = await signIn(visit, admin)
    await page.goto(new URL('/insights', page.url()).toString())
    await page.setViewportSize({ width: 390, height: 844 })
    await page.locator('[data-kpi="throughput"]').scrollIntoViewIfNeeded()
    if (SCREENSHOTS) {
      await page
        .locator('[data-kpi="throughput"]')
        .screenshot({ path: 'tmp/screenshots/drill--kpi-card--390.png' })
    }
    await page.setViewportSize({ width: 1440, height: 900 })
    await page
      .locator('[data-kpi="throughput"]')
      .getByRole('link', { name: /Rows behind it/ })
      .click()
    await page.waitForURL('**/insights/pull-requests?**')
    await page.getByRole('heading', { name: 'Merged pull requests', level: 1 }).waitFor()
    const total = Number(await page.locator('[data-testid="drill-total"] strong').textContent())
    assert.isAbove(total, 0)
    assert.equal(await page.locator('[data-testid="drill-row"]').count(), Math.min(total, 50))
    await shoot(page, 'pull-requests--1440')

    // sorting goes through htmx: the list alone is swapped, the URL follows
    const swapped = page.waitForResponse(
      (response) =>
        response.url().includes('sort=-size') &&
        response.request().headers()['hx-request'] === 'true'
    )
    await page.getByLabel('Sort').selectOption('-size')
    await page.getByRole('button', { name: 'Filter' }).click()
    await swapped
    await page.waitForURL('**sort=-size**')
    // the empty provider field is no filter: no message, the list sorted
    assert.equal(await page.locator('#drill-list [role="alert"]').count(), 0)
    assert.equal(
      Number(await page.locator('[data-testid="drill-total"] strong').textContent()),
      total
    )

    await page.setViewportSize({ width: 390, height: 844 })
    assert.isAtMost(await pageWidth(page), 390)
    await shoot(page, 'pull-requests--390')

    for (const path of ['deployments', 'issues', 'vulnerabilities']) {
      await page.setViewportSize({ width: 1440, height: 900 })
      await page.goto(new URL(`/insights/${path}`, page.url()).toString())
      await page.locator('[data-testid="drill-total"]').waitFor()
      await shoot(page, `${path}--1440`)
      await page.setViewportSize({ width: 390, height: 844 })
      assert.isAtMost(await pageWidth(page), 390, path)
      await shoot(page, `${path}--390`)
    }
  })
})

import { test } from '@japa/runner'
import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright'
import Product from '#models/product'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'
import { insertProduct } from '#tests/helpers/insights'
import { totp } from '#services/totp'
import type { FakeJira } from '../fake_jira/server.js'
import { seedSprintSite } from '../product_seed.js'
import { connectSite, startJira } from '../testbed.js'

/**
 * A product made of a Jira project, in Chromium without JavaScript at
 * 390 and 1440 px, light and dark: the admin ticks the project on the
 * edit page, then Product Detail shows its issues, their flow and its
 * sprints. Screenshots land in tmp/screenshots for a person to look at.
 */
const SHOTS = 'tmp/screenshots'
const BASE = `http://${process.env.HOST}:${process.env.PORT}`

async function signedInPage(
  browser: Browser,
  width: number,
  account: TestAccount,
  colorScheme: 'light' | 'dark'
) {
  const context = await browser.newContext({
    baseURL: BASE,
    javaScriptEnabled: false,
    viewport: { width, height: 900 },
    colorScheme,
  })
  const page = await context.newPage()
  await page.goto('/sign-in')
  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill(account.password)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.waitForURL('**/sign-in/mfa')
  await page.getByLabel('Code', { exact: true }).fill(totp.codeAt(account.totpSecret!, Date.now()))
  await page.getByRole('button', { name: 'Verify', exact: true }).click()
  await page.waitForURL((url) => url.pathname === '/')
  return page
}

function overflow(page: Page) {
  return page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')
}

test.group('Browser | Jira products', (group) => {
  let jira: FakeJira
  group.setup(async () => {
    mkdirSync(SHOTS, { recursive: true })
    jira = await startJira()
    return () => jira.close()
  })
  group.each.setup(resetDatabase)
  group.each.setup(() => jira.reset())

  for (const [width, scheme] of [
    [390, 'dark'],
    [1440, 'light'],
  ] as const) {
    test(`a product made of a Jira project: issues, flow and sprints at ${width} px, ${scheme}`, async ({
      browser,
      assert,
    }) => {
      seedSprintSite(jira)
      const account = await createAccount({ role: 'admin' })
      await new RunSync().execute({
        connection: await connectSite(account.organization, jira, 'c1'),
        trigger: 'cli',
      })
      const product = await Product.findOrFail(
        await insertProduct(account.organization.id, 'Engine', [])
      )
      const page = await signedInPage(browser, width, account, scheme)

      await page.goto(`/insights/products/${product.publicId}/edit`)
      await page.getByLabel('The whole project ENG').check()
      const picker = page.getByRole('heading', { name: 'Issue projects and components' })
      await picker.locator('xpath=ancestor::section[1]').screenshot({
        path: `${SHOTS}/jira-product-projects-${width}-${scheme}.png`,
      })
      assert.isAtMost(await overflow(page), 0)
      await page.getByRole('button', { name: 'Save issue projects' }).click()
      await page.waitForURL((url) => url.pathname === `/insights/products/${product.publicId}`)

      await page.goto(
        `/insights/products/${product.publicId}?range=custom&from=2026-11-02&to=2026-11-08`
      )
      await page.getByText('Sprints: planned against finished').waitFor()
      await page.getByText('ENG Sprint 8').first().waitFor()
      assert.isAtMost(await overflow(page), 0)
      for (const table of ['product_issues', 'issue_flow', 'time_in_status', 'sprints']) {
        await page.locator(`[data-table="${table}"]`).screenshot({
          path: `${SHOTS}/jira-product-${table}-${width}-${scheme}.png`,
        })
      }
      await page.screenshot({
        path: `${SHOTS}/jira-product-flow-${width}-${scheme}.png`,
        fullPage: true,
      })
    }).timeout(120_000)
  }
})

import { test } from '@japa/runner'
import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { startFakeProvider, type FakeProvider } from '#tests/helpers/fake_provider'
import { totp } from '#services/totp'

/**
 * Connecting with one of several authentication methods, and picking the
 * sites an OAuth authorisation reaches, in Chromium with JavaScript off,
 * on a phone (390 px) and a desktop (1440 px). Screenshots land in
 * tmp/screenshots for a person to look at.
 */
const SHOTS = 'tmp/screenshots'
const WIDTHS = [390, 1440]

async function signedInPage(browser: Browser, width: number, baseURL: string) {
  const account = await createAccount({ role: 'admin' })
  const context = await browser.newContext({
    baseURL,
    javaScriptEnabled: false,
    viewport: { width, height: 900 },
  })
  const page = await context.newPage()
  await page.goto('/sign-in')
  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill(account.password)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.waitForURL('**/sign-in/mfa')
  await page.getByLabel('Code').fill(totp.codeAt(account.totpSecret!, Date.now()))
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.waitForURL((url) => url.pathname === '/')
  return page
}

/** nothing wider than the screen: no sideways scrolling on a phone */
async function overflow(page: Page) {
  return page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')
}

test.group('Browser | connect with a chosen method, without JavaScript', (group) => {
  let provider: FakeProvider

  group.setup(async () => {
    mkdirSync(SHOTS, { recursive: true })
    provider = await startFakeProvider()
    return () => provider.close()
  })
  group.each.setup(resetDatabase)
  group.each.setup(() => provider.reset())

  for (const width of WIDTHS) {
    test(`email + API token connects through its own form at ${width} px`, async ({
      browser,
      assert,
    }) => {
      const page = await signedInPage(
        browser,
        width,
        `http://${process.env.HOST}:${process.env.PORT}`
      )
      await page.goto('/settings/connections')
      const methods = page.locator('#connect-fixture details.connect-method')
      assert.equal(await methods.count(), 2)
      await page.screenshot({ path: `${SHOTS}/connections-methods-${width}.png`, fullPage: true })
      assert.isAtMost(await overflow(page), 0)

      const basic = page.locator('#connect-fixture-basic')
      await basic.locator('summary').click()
      await basic.getByLabel('Email').fill('fixture-user@example.com')
      await basic.getByLabel('API token').fill('good-api-token')
      await basic.getByLabel('Workspace').fill('acme')
      await basic.getByRole('button', { name: 'Connect with Email and API token' }).click()
      await page.waitForURL('**/settings/connections')
      await page.getByText('Connected to Fixture Provider (acme)').waitFor()
    })

    test(`an authorisation reaching two sites asks which to connect at ${width} px`, async ({
      browser,
      assert,
    }) => {
      provider.state.sites = [
        { id: 'alpha', name: 'Alpha Corp' },
        { id: 'beta', name: 'Beta Labs' },
      ]
      const page = await signedInPage(
        browser,
        width,
        `http://${process.env.HOST}:${process.env.PORT}`
      )
      await page.goto('/settings/connections')
      // the first method is open: no click needed to reach its button
      await page.getByRole('button', { name: 'Connect with Fixture OAuth Provider' }).click()
      await page.waitForURL('**/integrations/oauth/accounts/*')
      await page.getByText('Choose the Fixture OAuth Provider accounts to connect').waitFor()
      await page.screenshot({ path: `${SHOTS}/oauth-accounts-${width}.png`, fullPage: true })
      assert.isAtMost(await overflow(page), 0)

      await page.getByLabel('Alpha Corp').check()
      await page.getByLabel('Beta Labs').check()
      await page.getByRole('button', { name: 'Connect the ticked accounts' }).click()
      await page.waitForURL('**/settings/connections')
      await page.getByText('Connected to Fixture OAuth Provider (Alpha Corp)').waitFor()
      await page.getByText('Connected to Fixture OAuth Provider (Beta Labs)').waitFor()
    })
  }
})

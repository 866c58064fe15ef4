import { test } from '@japa/runner'
import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright'
import RunSync from '#actions/sync/run_sync'
import Connection from '#models/connection'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { totp } from '#services/totp'
import type { FakeAzure } from '../fake_azure/server.js'
import { PAT, startAzure } from '../testbed.js'

/**
 * Connecting Azure DevOps with a PAT through the page's own form and
 * choosing repositories, in Chromium without JavaScript, on a phone and
 * a desktop. Screenshots land in tmp/screenshots.
 */
const SHOTS = 'tmp/screenshots'

async function signedInPage(browser: Browser, width: number, colorScheme: 'light' | 'dark') {
  const account = await createAccount({ role: 'admin' })
  const context = await browser.newContext({
    baseURL: `http://${process.env.HOST}:${process.env.PORT}`,
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

const overflow = (page: Page) =>
  page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')

test.group('Browser | Azure DevOps', (group) => {
  let azure: FakeAzure
  group.setup(async () => {
    mkdirSync(SHOTS, { recursive: true })
    azure = await startAzure()
    return () => azure.close()
  })
  group.each.setup(resetDatabase)
  group.each.setup(() => azure.reset())

  for (const [width, scheme] of [
    [390, 'light'],
    [1440, 'dark'],
  ] as const) {
    test(`connect with a PAT and choose repositories at ${width} px (${scheme})`, async ({
      browser,
      assert,
    }) => {
      azure.seed(3, 1)
      const page = await signedInPage(browser, width, scheme)
      await page.goto('/settings/connections')
      const card = page.locator('#connect-azure_devops')
      // the first method (personal access token) is open by default
      await card.getByLabel('Organisation URL').first().fill(azure.url)
      await card.getByLabel('Personal access token').fill(PAT)
      const expiresOn = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10)
      await card.getByLabel('Token expires on (optional)').fill(expiresOn)
      await page.screenshot({ path: `${SHOTS}/azure-devops-connect-${width}.png`, fullPage: true })
      assert.isAtMost(await overflow(page), 0)
      await card
        .getByRole('button', { name: /Connect/ })
        .first()
        .click()
      await page.waitForURL('**/settings/connections')
      await page.getByText('Connected to acme as Ada Lovelace').first().waitFor()

      const connection = await Connection.query().where('plugin_id', 'azure_devops').firstOrFail()
      // the connection's page warns ahead of the token's expiry, and says how hand-made hooks authenticate
      await page.goto(`/settings/connections/${connection.publicId}`)
      await page.getByText(`expires in 5 days (${expiresOn})`).first().waitFor()
      await page.getByText(connection.publicId, { exact: true }).first().waitFor()
      await page.screenshot({
        path: `${SHOTS}/azure-devops-connection-${width}-${scheme}.png`,
        fullPage: true,
      })
      assert.isAtMost(await overflow(page), 0)
      await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
      await page.goto(`/integrations/azure_devops/connections/${connection.publicId}/repositories`)
      await page.getByRole('checkbox', { name: 'Monitor Project 1/repo-1' }).uncheck()
      await page.getByRole('button', { name: 'Save selection' }).click()
      await page.getByText('Saved: 2 monitored, 1 not monitored on this page.').waitFor()
      await page.screenshot({
        path: `${SHOTS}/azure-devops-repositories-${width}.png`,
        fullPage: true,
      })
      assert.isAtMost(await overflow(page), 0)
      assert.isFalse(
        await page.getByRole('checkbox', { name: 'Monitor Project 1/repo-1' }).isChecked()
      )
    })
  }
})

import { test } from '@japa/runner'
import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { withEnv } from '#tests/helpers/env'
import { totp } from '#services/totp'
import { startFakeMailchimp } from '#plugins/mailchimp/tests/fake_mailchimp'

/**
 * Admin → Integrations (the installation's own Mailchimp account) in
 * Chromium without JavaScript, on a phone in dark mode and a desktop in
 * light mode: connect through the form, then the connection's card.
 * Screenshots land in tmp/screenshots for a person to look at.
 */
const SHOTS = 'tmp/screenshots'
const VIEWS = [
  { width: 390, scheme: 'dark' as const },
  { width: 1440, scheme: 'light' as const },
]

async function superuserPage(browser: Browser, width: number, scheme: 'dark' | 'light') {
  const account = await createAccount({ role: 'owner', superuser: true })
  const context = await browser.newContext({
    baseURL: `http://${process.env.HOST}:${process.env.PORT}`,
    javaScriptEnabled: false,
    viewport: { width, height: 900 },
    colorScheme: scheme,
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

async function overflow(page: Page) {
  return page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')
}

test.group('Browser | Admin → Integrations', (group) => {
  let fake: Awaited<ReturnType<typeof startFakeMailchimp>>
  group.setup(async () => {
    mkdirSync(SHOTS, { recursive: true })
    fake = await startFakeMailchimp()
    return () => fake.close()
  })
  group.each.setup(resetDatabase)
  group.each.setup(() => {
    fake.state.lists.set('aud1', { id: 'aud1', name: 'Sextant users', body: {} })
    return withEnv({ MAILCHIMP_API_URL: fake.url })
  })

  for (const view of VIEWS) {
    test(`a superuser connects Mailchimp at ${view.width} px (${view.scheme})`, async ({
      browser,
      assert,
    }) => {
      const page = await superuserPage(browser, view.width, view.scheme)
      await page.goto('/admin-test/integrations')
      await page.screenshot({
        path: `${SHOTS}/admin-integrations-form-${view.width}-${view.scheme}.png`,
        fullPage: true,
      })
      assert.isAtMost(await overflow(page), 0)

      await page.getByLabel('API key').fill('k3y-us21')
      await page.getByLabel('Audience id').fill('aud1')
      await page.getByRole('button', { name: 'Connect' }).click()
      await page.waitForURL('**/admin-test/integrations')
      await page
        .getByText('Mailchimp account Acme Operators, audience Sextant users')
        .first()
        .waitFor()
      await page.screenshot({
        path: `${SHOTS}/admin-integrations-connected-${view.width}-${view.scheme}.png`,
        fullPage: true,
      })
      assert.isAtMost(await overflow(page), 0)
    }).timeout(120_000)
  }
})

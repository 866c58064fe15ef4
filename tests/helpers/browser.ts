import type { Page } from 'playwright'
import type { TestAccount } from '#tests/helpers/accounts'
import { totp } from '#services/totp'

/**
 * Signs an account in through the sign-in page and its TOTP step, as a
 * person would, and waits for the dashboard.
 */
export async function signInThroughPage(page: Page, account: TestAccount) {
  await page.goto('/sign-in')
  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill(account.password)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.waitForURL('**/sign-in/mfa')
  await page.getByLabel('Code', { exact: true }).fill(totp.codeAt(account.totpSecret!, Date.now()))
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.waitForURL((url) => url.pathname === '/')
  return page
}

import { test } from '@japa/runner'
import type { Page } from 'playwright'
import MfaFactor from '#models/mfa_factor'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { totp } from '#services/totp'

/**
 * Passkeys need a domain name (browsers refuse IP addresses as relying
 * party), so these pages are opened on localhost, and Chromium gets a
 * virtual authenticator through the DevTools protocol.
 */
const origin = `http://localhost:${process.env.PORT}`

async function addVirtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('WebAuthn.enable')
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  })
}

async function passwordStep(page: Page, email: string, password: string) {
  await page.goto(`${origin}/sign-in`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.waitForURL('**/sign-in/mfa')
}

test.group('Browser | passkeys', (group) => {
  group.each.setup(resetDatabase)

  test('a passkey is added in Security and then replaces the code at sign-in', async ({
    browserContext,
    assert,
  }) => {
    const account = await createAccount()
    const page = await browserContext.newPage()
    await addVirtualAuthenticator(page)

    await passwordStep(page, account.email, account.password)
    await page
      .getByLabel('Code', { exact: true })
      .fill(totp.codeAt(account.totpSecret!, Date.now()))
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.waitForURL(`${origin}/`)

    await page.goto(`${origin}/settings/security`)
    await page.getByLabel('Name of the new passkey').fill('Virtual key')
    await page.getByRole('button', { name: 'Add a passkey' }).click()
    await page.getByText('Passkey added.').waitFor()
    await page.getByTestId('passkeys').getByText('Virtual key').waitFor()
    const stored = await MfaFactor.query()
      .where('user_id', account.user.id)
      .where('kind', 'passkey')
    assert.lengthOf(stored, 1)

    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL('**/sign-in')
    await passwordStep(page, account.email, account.password)
    await page.getByRole('button', { name: 'Use a passkey' }).click()
    await page.waitForURL(`${origin}/`)
    await page.getByRole('button', { name: 'Sign out' }).waitFor()
    await stored[0].refresh()
    assert.isNotNull(stored[0].lastUsedAt)
  }).timeout(90_000)
})

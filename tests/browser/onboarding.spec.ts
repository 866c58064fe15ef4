import { test } from '@japa/runner'
import type { Page } from 'playwright'
import { resetDatabase } from '#tests/helpers/database'
import { awaitFreshTotpStep, createAccount, STRONG_PASSWORD } from '#tests/helpers/accounts'
import { lastMailTo, linkIn } from '#tests/helpers/smtp'
import { totp } from '#services/totp'
import { mkdir } from 'node:fs/promises'
import User from '#models/user'
import { MARKETING_CONSENT_TEXT } from '#services/marketing/consent'
import { WebClient } from '#tests/helpers/web_client'

const SHOTS = 'tmp/screenshots/onboarding'

/**
 * The sign-in journey of a new colleague, in a real Chromium.
 */
async function signInWithPassword(page: Page, email: string, password: string) {
  await page.goto('/sign-in')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Continue' }).click()
}

async function enterCode(page: Page, code: string) {
  await page.getByLabel('Code', { exact: true }).fill(code)
  await page.getByRole('button', { name: 'Verify' }).click()
}

/** Sign-out sits in the account menu (the initials in the top bar). */
async function signOut(page: Page) {
  await page.locator('.account-menu > summary').click()
  await page.getByRole('button', { name: 'Sign out' }).click()
}

async function enterRecoveryCode(page: Page, code: string) {
  await page.getByText('Use a recovery code instead').click()
  const field = page.getByLabel('Recovery code')
  // A text keyboard, not a number pad: recovery codes hold letters.
  if ((await field.getAttribute('inputmode')) !== 'text') throw new Error('numeric recovery field')
  await field.fill(code)
  await page.getByRole('button', { name: 'Verify recovery code' }).click()
}

test.group('Browser | invitation to second sign-in', (group) => {
  group.each.setup(resetDatabase)

  test('invite, sign up, enrol TOTP, keep recovery codes, and sign in again with each factor once', async ({
    visit,
    assert,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    const inviteeEmail = `newcomer.${Date.now()}@example.org`

    // The admin invites a colleague from the Members page.
    const adminPage = await visit('/sign-in')
    await signInWithPassword(adminPage, admin.email, admin.password)
    await adminPage.waitForURL('**/sign-in/mfa')
    await enterCode(adminPage, totp.codeAt(admin.totpSecret!, Date.now()))
    await adminPage.waitForURL((url) => url.pathname === '/')
    await adminPage
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Settings' })
      .click()
    await adminPage
      .getByRole('navigation', { name: 'Organisation settings' })
      .getByRole('link', { name: 'Members' })
      .click()
    await adminPage.waitForURL('**/settings/members')
    await adminPage.getByLabel('Email').fill(inviteeEmail)
    await adminPage.getByRole('button', { name: 'Send invitation' }).click()
    await adminPage.getByText(`Invitation sent to ${inviteeEmail}.`).waitFor()

    // The invitee opens the link from the mail and creates the account.
    await adminPage.context().clearCookies()
    const mail = lastMailTo(inviteeEmail)
    assert.isNotNull(mail)
    const page = await visit(linkIn(mail!, '/invitations/'))
    // The invited address is filled in and cannot be changed.
    assert.equal(await page.getByRole('textbox', { name: /^Email\b/ }).inputValue(), inviteeEmail)
    assert.isTrue(
      await page
        .getByRole('textbox', { name: /^Email\b/ })
        .isEditable()
        .then((editable) => !editable)
    )
    await page.getByLabel('Full name').fill('Grace Hopper')
    await page.getByLabel('Password (12 characters or more)').fill(STRONG_PASSWORD)
    await page.getByLabel('Confirm password').fill(STRONG_PASSWORD)
    await page.getByRole('button', { name: 'Create account' }).click()

    // Enrolment is forced; the code is computed from the secret on screen.
    await page.waitForURL('**/mfa/setup')
    const secret = await page.getByTestId('totp-secret').getAttribute('data-secret')
    assert.match(secret!, /^[A-Z2-7]{32}$/)
    await awaitFreshTotpStep(10_000)
    const enrolledAt = Date.now()
    await page.getByLabel('6-digit code').fill(totp.codeAt(secret!, enrolledAt - 30_000))
    await page.getByRole('button', { name: 'Confirm and continue' }).click()

    await page.waitForURL('**/mfa/recovery-codes')
    const codes = await page.getByTestId('recovery-codes').locator('code').allTextContents()
    assert.lengthOf(codes, 10)
    await page.getByRole('button', { name: 'I have saved them' }).click()
    await page.waitForURL((url) => url.pathname === '/')
    await signOut(page)
    await page.waitForURL('**/sign-in')

    // Signing in again needs the TOTP code.
    await signInWithPassword(page, inviteeEmail, STRONG_PASSWORD)
    await page.waitForURL('**/sign-in/mfa')
    const code = totp.codeAt(secret!, enrolledAt)
    await enterCode(page, code)
    await page.waitForURL((url) => url.pathname === '/')
    await signOut(page)
    await page.waitForURL('**/sign-in')

    // The same code is refused a second time.
    await signInWithPassword(page, inviteeEmail, STRONG_PASSWORD)
    await page.waitForURL('**/sign-in/mfa')
    await enterCode(page, code)
    await page.getByText('That code is not valid or was already used.').waitFor()

    // A recovery code works once, typed in its own text field…
    await enterRecoveryCode(page, codes[0])
    await page.waitForURL((url) => url.pathname === '/')
    await signOut(page)
    await page.waitForURL('**/sign-in')

    // …never twice.
    await signInWithPassword(page, inviteeEmail, STRONG_PASSWORD)
    await page.waitForURL('**/sign-in/mfa')
    await enterRecoveryCode(page, codes[0])
    await page.getByText('That recovery code is not valid or was already used.').waitFor()
    assert.equal(new URL(page.url()).pathname, '/sign-in/mfa')
  }).timeout(120_000)
})

test.group('Browser | invitation page', (group) => {
  group.each.setup(resetDatabase)

  test('the product-emails box fits phones and desktops, light and dark, and records consent when ticked', async ({
    visit,
    assert,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    const inviteeEmail = `consenting.${Date.now()}@example.org`
    const web = new WebClient()
    await web.signIn(admin.email, admin.password, admin.totpSecret!)
    await web.get('/settings/members')
    await web.post('/settings/members/invites', { email: inviteeEmail, role: 'member' })
    const link = linkIn(lastMailTo(inviteeEmail)!, '/invitations/')

    const page = await visit(link)
    await mkdir(SHOTS, { recursive: true })
    const box = page.getByLabel(MARKETING_CONSENT_TEXT)
    assert.isFalse(await box.isChecked())
    for (const width of [390, 1440]) {
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width, height: 900 })
        await page.emulateMedia({ colorScheme: scheme })
        await page.screenshot({
          path: `${SHOTS}/invitation-${width}-${scheme}.png`,
          fullPage: true,
        })
        const fits = await page.evaluate<boolean>(
          'document.documentElement.scrollWidth <= window.innerWidth'
        )
        assert.isTrue(fits, `the invitation page at ${width}px (${scheme}) scrolls sideways`)
      }
    }

    await page.getByLabel('Full name').fill('Mary Jackson')
    await page.getByLabel('Password (12 characters or more)').fill(STRONG_PASSWORD)
    await page.getByLabel('Confirm password').fill(STRONG_PASSWORD)
    await box.check()
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL('**/mfa/setup')
    const user = await User.findByOrFail('email', inviteeEmail)
    assert.isTrue(user.marketingConsent)
    assert.equal(user.marketingConsentText, MARKETING_CONSENT_TEXT)
  }).timeout(120_000)
})

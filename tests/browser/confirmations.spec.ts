import { test } from '@japa/runner'
import type { Browser, Page } from 'playwright'
import Membership from '#models/membership'
import Product from '#models/product'
import { mailRelay } from '#config/mail'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { signInThroughPage } from '#tests/helpers/browser'

/**
 * Issue 14: a user is told plainly when no mail went out, and every
 * destructive action outside Documents asks first: in place with
 * JavaScript, and as a plain form without it.
 */
async function withoutJavaScript(browser: Browser) {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    baseURL: `http://${process.env.HOST}:${process.env.PORT}`,
  })
  return context.newPage()
}

function memberRow(page: Page, email: string) {
  return page.getByRole('row', { name: new RegExp(email.replace(/[.+]/g, '\\$&')) })
}

test.group('Browser | no mail sent, confirmations', (group) => {
  group.each.setup(resetDatabase())

  test('without a mail relay the inviter is told no mail was sent and can copy the link', async ({
    visit,
    browserContext,
    assert,
    cleanup,
  }) => {
    mailRelay.configured = false
    cleanup(() => {
      mailRelay.configured = true
    })
    await browserContext.grantPermissions(['clipboard-read', 'clipboard-write'])
    const admin = await createAccount({ role: 'admin' })
    const invitee = `no-relay.${Date.now()}@example.org`
    const page = await visit('/sign-in')
    await signInThroughPage(page, admin)
    await page.goto('/settings/members')
    await page.getByLabel('Email').fill(invitee)
    await page.getByRole('button', { name: 'Send invitation' }).click()

    const alert = page.getByRole('alert').filter({ hasText: 'No mail was sent' })
    await alert.waitFor()
    assert.include(await alert.innerText(), invitee)
    assert.include(await alert.innerText(), 'SMTP_HOST is not set')
    assert.equal(await page.getByText(`Invitation sent to ${invitee}`).count(), 0)

    await page.getByRole('button', { name: 'Copy link' }).click()
    const link = String(await page.evaluate(`navigator.clipboard.readText()`))
    assert.match(link, /\/invitations\//)
    assert.equal(link, await page.getByLabel('Invitation link').inputValue())

    await page.context().clearCookies()
    await page.goto(link)
    const email = page.getByRole('textbox', { name: /^Email\b/ })
    assert.equal(await email.inputValue(), invitee)
    assert.isNotNull(await email.getAttribute('readonly'))
  }).timeout(60_000)

  test('with a mail relay the inviter is told the invitation was sent', async ({
    visit,
    assert,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    const invitee = `relay.${Date.now()}@example.org`
    const page = await visit('/sign-in')
    await signInThroughPage(page, admin)
    await page.goto('/settings/members')
    await page.getByLabel('Email').fill(invitee)
    await page.getByRole('button', { name: 'Send invitation' }).click()
    await page.getByText(`Invitation sent to ${invitee}.`).waitFor()
    assert.equal(await page.getByTestId('invitation-link').count(), 0)
  }).timeout(60_000)

  test('removing a member asks first, then removes on Yes (JavaScript on)', async ({
    visit,
    assert,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    const other = await createAccount({ organization: admin.organization, role: 'member' })
    const page = await visit('/sign-in')
    await signInThroughPage(page, admin)
    await page.goto('/settings/members')
    await memberRow(page, other.email).getByText('Remove', { exact: true }).click()
    const confirm = page.getByRole('group', { name: 'Confirm removal' })
    await confirm.waitFor()
    assert.include(await confirm.innerText(), `Remove ${other.email}`)
    assert.isNotNull(await Membership.find(other.membership.id), 'removed before Yes')

    await confirm.getByRole('button', { name: `Yes, remove ${other.email}` }).click()
    await memberRow(page, other.email).waitFor({ state: 'detached' })
    assert.isNull(await Membership.find(other.membership.id))
  }).timeout(60_000)

  test('removing a member asks first without JavaScript too', async ({ browser, assert }) => {
    const admin = await createAccount({ role: 'admin' })
    const other = await createAccount({ organization: admin.organization, role: 'member' })
    const page = await withoutJavaScript(browser)
    await signInThroughPage(page, admin)
    await page.goto('/settings/members')
    await memberRow(page, other.email).getByText('Remove', { exact: true }).click()
    assert.isNotNull(await Membership.find(other.membership.id), 'removed before Yes')
    await page.getByRole('button', { name: `Yes, remove ${other.email}` }).click()
    await page.waitForURL('**/settings/members')
    assert.isNull(await Membership.find(other.membership.id))
  }).timeout(60_000)

  test('deleting a product asks first, with and without JavaScript', async ({
    visit,
    browser,
    assert,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    // a second admin for the second browser: a TOTP code signs in once
    const second = await createAccount({ organization: admin.organization, role: 'admin' })
    const products = await Product.createMany([
      { organizationId: admin.organization.id, name: 'Checkout' },
      { organizationId: admin.organization.id, name: 'Billing' },
    ])
    for (const [page, product, account] of [
      [await visit('/sign-in'), products[0], admin],
      [await withoutJavaScript(browser), products[1], second],
    ] as const) {
      await signInThroughPage(page, account)
      await page.goto(`/insights/products/${product.publicId}/edit`)
      await page.getByText('Delete product', { exact: true }).click()
      assert.isNotNull(await Product.find(product.id), 'deleted before Yes')
      await page.getByRole('button', { name: `Yes, delete ${product.name}` }).click()
      await page.waitForURL((url) => !url.pathname.endsWith('/edit'))
      assert.isNull(await Product.find(product.id))
    }
  }).timeout(90_000)
})

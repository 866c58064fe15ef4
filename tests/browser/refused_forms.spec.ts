import { test } from '@japa/runner'
import { mkdir } from 'node:fs/promises'
import type { Page } from 'playwright'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { signInThroughPage } from '#tests/helpers/browser'

/**
 * Refused forms as a person sees them (the exception handler draws them,
 * see docs/errors.md): the message next to the form or field, readable
 * on a phone and a desktop, light and dark. With SCREENSHOTS=1 each state
 * is written to tmp/screenshots/refused--<name>--<width>-<scheme>.png.
 */
const VIEWPORTS = [
  { name: '1440', width: 1440, height: 900 },
  { name: '390', width: 390, height: 844 },
]

async function assertFitsEveryWidth(
  page: Page,
  name: string,
  assert: { isAtMost(value: number, limit: number, message?: string): void }
) {
  if (process.env.SCREENSHOTS) await mkdir('tmp/screenshots', { recursive: true })
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height })
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      const overflow = Number(
        await page.evaluate(
          'document.documentElement.scrollWidth - document.documentElement.clientWidth'
        )
      )
      assert.isAtMost(overflow, 0, `${name} scrolls sideways at ${viewport.name} px`)
      if (process.env.SCREENSHOTS) {
        await page.screenshot({
          path: `tmp/screenshots/refused--${name}--${viewport.name}-${scheme}.png`,
          fullPage: true,
        })
      }
    }
  }
}

test.group('Browser | refused forms', (group) => {
  group.each.setup(resetDatabase())

  test('a wrong password: the sign-in form again, with the message and the email kept', async ({
    visit,
    assert,
  }) => {
    const page = await visit('/sign-in')
    await page.getByLabel('Email').fill('nobody@example.org')
    await page.getByLabel('Password').fill('Wrong-Password-123')
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.getByRole('alert').waitFor()
    assert.equal(await page.getByRole('alert').innerText(), 'The email or password is incorrect.')
    assert.equal(await page.getByLabel('Email').inputValue(), 'nobody@example.org')
    await assertFitsEveryWidth(page, 'sign-in', assert)
  }).timeout(60_000)

  test('a taken email: the profile form shows the message under the email field', async ({
    visit,
    assert,
  }) => {
    const other = await createAccount()
    const account = await createAccount()
    const page = await visit('/sign-in')
    await signInThroughPage(page, account)
    await page.goto('/settings/security')
    const profile = page.locator('form[action="/settings/profile"]')
    await profile.getByLabel('Name').fill('Kept Name')
    await profile.getByLabel('Email').fill(other.email)
    await profile.getByRole('button').click()
    await page.waitForURL('**/settings/security')
    const error = profile.locator('.field-error')
    assert.equal(await error.innerText(), 'Another account already uses this email address.')
    assert.equal(await profile.getByLabel('Name').inputValue(), 'Kept Name')
    await assertFitsEveryWidth(page, 'profile', assert)
  }).timeout(60_000)

  test('inviting a member again: the members panel says why, in place', async ({
    visit,
    assert,
  }) => {
    const owner = await createAccount({ role: 'owner' })
    const page = await visit('/sign-in')
    await signInThroughPage(page, owner)
    await page.goto('/settings/members')
    const invite = page.locator('form[action="/settings/members/invites"]')
    await invite.getByLabel('Email').fill(owner.email)
    await invite.getByRole('button').click()
    const flash = page.locator('#flash .flash--error')
    await flash.waitFor()
    assert.equal(await flash.locator('span').innerText(), `${owner.email} is already a member.`)
    await assertFitsEveryWidth(page, 'members', assert)
  }).timeout(60_000)
})

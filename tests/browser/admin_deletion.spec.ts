import { test } from '@japa/runner'
import { mkdir } from 'node:fs/promises'
import type { Page } from 'playwright'
import db from '@adonisjs/lucid/services/db'
import sextantConfig from '#config/sextant'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createConnection } from '#tests/helpers/connections'
import { signInThroughPage } from '#tests/helpers/browser'

/**
 * The admin area's deletion pages in Chromium, with JavaScript off: they
 * fit a phone and a desktop, light and dark, and the plain form does the
 * work. SCREENSHOTS go to tmp/screenshots/admin_deletion.
 */
const SHOTS = 'tmp/screenshots/admin_deletion'
const ADMIN = sextantConfig.auth.adminPath

async function fits(page: Page) {
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')
}

test.group('Browser | admin deletion pages', (group) => {
  group.each.setup(resetDatabase())

  test("deleting an organisation's data works without JavaScript at 390 and 1440 px", async ({
    browser,
    assert,
  }) => {
    const admin = await createAccount({ role: 'owner', superuser: true })
    const doomed = await createAccount({ role: 'owner' })
    await createConnection(doomed.organization)
    const context = await browser.newContext({
      javaScriptEnabled: false,
      baseURL: `http://${process.env.HOST}:${process.env.PORT}`,
    })
    const page = await context.newPage()
    await signInThroughPage(page, admin)
    await mkdir(SHOTS, { recursive: true })
    const path = `${ADMIN}/organizations/${doomed.organization.publicId}/delete-data`
    for (const width of [390, 1440]) {
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width, height: 900 })
        await page.emulateMedia({ colorScheme: scheme })
        for (const [name, url] of [
          ['organizations', `${ADMIN}/organizations`],
          ['delete-data', path],
          ['delete', `${ADMIN}/organizations/${doomed.organization.publicId}/delete`],
          ['users', `${ADMIN}/users`],
          ['erase', `${ADMIN}/users/${doomed.user.publicId}/erase`],
        ]) {
          await page.goto(url)
          await page.screenshot({ path: `${SHOTS}/${name}-${width}-${scheme}.png`, fullPage: true })
          assert.isTrue(await fits(page), `${url} at ${width}px (${scheme}) scrolls sideways`)
        }
      }
    }

    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`${ADMIN}/organizations`)
    await page
      .getByRole('row', { name: new RegExp(doomed.organization.name) })
      .getByRole('link', { name: 'Delete data' })
      .click()
    await page.getByLabel(/Type the organisation's name/).fill('not it')
    await page.getByRole('button', { name: 'Delete its data' }).click()
    await page.getByTestId('confirm-error').waitFor()
    await page.screenshot({ path: `${SHOTS}/delete-data-refused-390.png`, fullPage: true })
    await page.getByLabel(/Type the organisation's name/).fill(doomed.organization.name)
    await page.getByRole('button', { name: 'Delete its data' }).click()
    await page.getByTestId('deletion-outcome').waitFor()
    await page.screenshot({ path: `${SHOTS}/delete-data-done-390.png`, fullPage: true })
    assert.isTrue(await fits(page))
    const left = await db.from('connections').where('organization_id', doomed.organization.id)
    assert.lengthOf(left, 0)
    await context.close()
  }).timeout(120_000)
})

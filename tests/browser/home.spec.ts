import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'

test.group('Browser | navigation', (group) => {
  group.each.setup(resetDatabase)

  test('clicking an organisation opens its page through htmx, without a full reload', async ({
    visit,
    assert,
  }) => {
    const organization = await createOrganization({ name: 'Stark Industries' })
    const page = await visit('/')
    const problems: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text())
    })

    await page.waitForFunction(() => 'htmx' in globalThis)
    // A marker on window survives boosted navigation but not a reload.
    await page.evaluate(() => ((globalThis as any).sextantMarker = 'still here'))

    await page.getByRole('link', { name: /Stark Industries/ }).click()
    await page.waitForURL(`**/organizations/${organization.publicId}`)
    await page.assertText('h1', 'Stark Industries')
    assert.equal(await page.evaluate(() => (globalThis as any).sextantMarker), 'still here')
    assert.deepEqual(problems, [])
  })

  test('typing in the search box filters the list in place', async ({ visit, assert }) => {
    await createOrganization({ name: 'Wayne Enterprises' })
    await createOrganization({ name: 'Cyberdyne Systems' })
    const page = await visit('/')
    await page.waitForFunction(() => 'htmx' in globalThis)
    await page.evaluate(() => ((globalThis as any).sextantMarker = 'still here'))

    await page.getByRole('searchbox', { name: 'Search organisations' }).fill('cyber')
    await page.waitForURL('**/?q=cyber')
    await page.assertNotExists('text=Wayne Enterprises')
    await page.assertExists('text=Cyberdyne Systems')
    assert.equal(await page.evaluate(() => (globalThis as any).sextantMarker), 'still here')
  })
})

import { test } from '@japa/runner'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, STRONG_PASSWORD } from '#tests/helpers/accounts'
import { signInThroughPage } from '#tests/helpers/browser'
import { SAMPLES, emptyDisk, useDisk } from '#tests/helpers/documents'
import PopulateDevData from '#actions/demo/populate_dev_data'
import UploadDocuments from '#actions/documents/upload_documents'
import { totp } from '#services/totp'

/**
 * What a new user tripped over (issue 14), one behaviour each, in Chromium.
 */
async function demoAccount(role: 'owner' | 'admin' | 'member' = 'admin', superuser = false) {
  const { organization } = await new PopulateDevData().execute()
  return createAccount({ organization: organization!, role, superuser })
}

test.group('Browser | what a new user tripped over', (group) => {
  group.setup(() => useDisk('fs'))
  group.each.setup(resetDatabase())
  group.each.setup(() => emptyDisk('fs'))

  test('the documents library shows each file with its size, never template code', async ({
    visit,
    assert,
  }) => {
    const member = await createAccount({ role: 'member' })
    const tmpPath = join(tmpdir(), `policy-${process.pid}-${Date.now()}.pdf`)
    const pdf = SAMPLES.pdf()
    await writeFile(tmpPath, pdf)
    await new UploadDocuments().execute({
      organization: member.organization,
      actor: member.user,
      files: [{ tmpPath, clientName: 'policy.pdf', size: pdf.length }],
      category: 'policy',
      meta: { ip: null, userAgent: null },
    })
    const page = await visit('/sign-in')
    await signInThroughPage(page, member)
    await page.goto('/documents')
    const cell = page.getByTestId('documents-table').getByRole('cell', { name: /policy\.pdf/ })
    const text = await cell.innerText()
    assert.match(text, /policy\.pdf\s+\d+(\.\d+)?\s?(B|KB)/)
    assert.notMatch(text, /@if|@end|\{\{/)
  }).timeout(60_000)

  test('the current session names its browser, system, address and sign-in time', async ({
    visit,
    assert,
  }) => {
    const account = await createAccount()
    const page = await visit('/sign-in')
    await signInThroughPage(page, account)
    await page.goto('/settings/sessions')
    const row = page.getByRole('row', { name: /This session/ })
    const text = await row.innerText()
    assert.match(text, /Chrome \d+ on Linux/)
    assert.include(text, '127.0.0.1')
    assert.match(text, /just now|minute/)
    assert.notInclude(text, 'Unknown')
    assert.notInclude(text, 'never')
  }).timeout(60_000)

  test('after a preset is picked, the highlighted preset and the dates match the period shown', async ({
    visit,
    assert,
  }) => {
    const admin = await demoAccount()
    const page = await visit('/sign-in')
    await page.setViewportSize({ width: 1440, height: 900 })
    await signInThroughPage(page, admin)
    await page.goto('/insights')
    const period = page.getByRole('navigation', { name: 'Period' })
    assert.equal(
      await period.getByRole('link', { name: '90 days' }).getAttribute('aria-current'),
      'true'
    )
    const caption = page.locator('[data-range]')
    const before = await caption.getAttribute('data-range')
    await period.getByRole('link', { name: '30 days' }).click()
    await page.locator(`[data-range]:not([data-range="${before}"])`).waitFor()
    const [from, to] = (await caption.getAttribute('data-range'))!.split('/')
    assert.equal(
      await period.getByRole('link', { name: '30 days' }).getAttribute('aria-current'),
      'true'
    )
    assert.isNull(await period.getByRole('link', { name: '90 days' }).getAttribute('aria-current'))
    assert.equal(await page.locator('.range-custom input[name="from"]').inputValue(), from)
    assert.equal(await page.locator('.range-custom input[name="to"]').inputValue(), to)
  }).timeout(90_000)

  test('a custom period is applied on Apply, not while a date is being typed', async ({
    visit,
    assert,
  }) => {
    const admin = await demoAccount()
    const page = await visit('/sign-in')
    await signInThroughPage(page, admin)
    await page.goto('/insights')
    const customRequests: string[] = []
    page.on('request', (request) => {
      if (request.url().includes('range=custom')) customRequests.push(request.url())
    })
    const from = page.locator('.range-custom input[name="from"]')
    await from.click()
    await page.keyboard.type('0901')
    await page.keyboard.type('2026')
    await page.locator('.range-custom input[name="to"]').fill('2026-10-01')
    assert.deepEqual(customRequests, [])
    // Typing digit by digit sent nothing; the finished dates go on Apply.
    await from.fill('2026-09-01')
    assert.deepEqual(customRequests, [])
    await page.getByRole('button', { name: 'Apply' }).click()
    await page.locator('[data-range="2026-09-01/2026-10-01"]').waitFor()
    assert.lengthOf(customRequests, 1)
  }).timeout(90_000)

  test('quiet buttons are readable and the knowledge base inputs take the width of their row', async ({
    visit,
    assert,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    const page = await visit('/sign-in')
    await page.setViewportSize({ width: 1440, height: 900 })
    await signInThroughPage(page, admin)
    await page.goto('/assistant/knowledge')
    const contrast = await new AxeBuilder({ page })
      .include('main')
      .withRules(['color-contrast'])
      .analyze()
    assert.deepEqual(
      contrast.violations.flatMap((violation) => violation.nodes.map((node) => node.html)),
      []
    )
    const search = page.getByPlaceholder('Search titles, questions and answers')
    const question = page.getByPlaceholder('Ask what a user would ask')
    assert.isAbove((await search.boundingBox())!.width, 300)
    assert.isAbove((await question.boundingBox())!.width, 300)
    // One form style: the textarea and the text box share border and radius.
    const style = (selector: string) =>
      page.evaluate(`(() => {
        const computed = getComputedStyle(document.querySelector(${JSON.stringify(selector)}))
        return computed.borderTopWidth + ' ' + computed.borderTopStyle + ' ' + computed.borderRadius
      })()`)
    assert.equal(await style('textarea'), await style('input[type="text"]'))
  }).timeout(60_000)

  test('on a phone the Noa app settings fit their card', async ({ visit, assert }) => {
    const admin = await createAccount({ role: 'admin' })
    const page = await visit('/sign-in')
    await signInThroughPage(page, admin)
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto('/assistant/models')
    const panel = page.locator('section', { hasText: 'Connect the Noa app' })
    const overflow = await panel.evaluate(
      (element: { scrollWidth: number; clientWidth: number }) =>
        element.scrollWidth - element.clientWidth
    )
    assert.equal(overflow, 0)
    for (const code of await panel.locator('dd code').all()) {
      assert.isBelow((await code.boundingBox())!.height, 80)
    }
  }).timeout(60_000)

  test('admin pages tell the truth: last sign-in, the "All" filter, bundled reference data', async ({
    visit,
    assert,
  }) => {
    const admin = await demoAccount('owner', true)
    const page = await visit('/sign-in')
    await signInThroughPage(page, admin)
    await page.goto('/admin-test/users')
    const ownRow = page.getByRole('row', { name: new RegExp(admin.email.replace('.', '\\.')) })
    assert.notInclude(await ownRow.innerText(), 'never')
    await page.goto('/admin-test/webhooks')
    const tabs = await page.getByRole('navigation', { name: 'Delivery status' }).innerText()
    assert.include(tabs, 'All')
    assert.notInclude(tabs, '()')
    await page.goto('/admin-test/reference-data')
    const lastImport = await page.getByTestId('last-import').innerText()
    assert.notInclude(lastImport, 'Nothing has been imported yet')
  }).timeout(90_000)

  test('MFA enrolment keeps the scanned key after a wrong code and a reload, until asked for a new one', async ({
    visit,
    assert,
  }) => {
    const account = await createAccount({ withTotp: false })
    const page = await visit('/sign-in')
    await page.getByLabel('Email').fill(account.email)
    await page.getByLabel('Password').fill(STRONG_PASSWORD)
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL('**/mfa/setup')
    const secret = () => page.getByTestId('totp-secret').getAttribute('data-secret')
    const scanned = await secret()

    await page.getByLabel('6-digit code').fill('000000')
    await page.getByRole('button', { name: 'Confirm and continue' }).click()
    await page.getByText('The key is unchanged').waitFor()
    assert.equal(await secret(), scanned)

    await page.reload()
    assert.equal(await secret(), scanned)

    await page.getByRole('link', { name: 'Start over with a new key' }).click()
    await page.waitForURL('**/mfa/setup?new=1')
    const fresh = await secret()
    assert.notEqual(fresh, scanned)
    await page.getByLabel('6-digit code').fill(totp.codeAt(fresh!, Date.now()))
    await page.getByRole('button', { name: 'Confirm and continue' }).click()
    await page.waitForURL('**/mfa/recovery-codes')
  }).timeout(60_000)

  test('a new API token has a Copy button that puts the token on the clipboard', async ({
    visit,
    browserContext,
    assert,
  }) => {
    await browserContext.grantPermissions(['clipboard-read', 'clipboard-write'])
    const member = await createAccount({ role: 'member' })
    const page = await visit('/sign-in')
    await signInThroughPage(page, member)
    await page.goto('/settings/tokens')
    await page.getByLabel('Name').fill('CI pipeline')
    await page.getByRole('button', { name: 'Create token' }).click()
    const token = (await page.getByTestId('new-token').innerText()).trim()
    await page.getByRole('button', { name: 'Copy', exact: true }).click()
    await page.getByRole('button', { name: 'Copied' }).waitFor()
    const copied = await page.evaluate(`navigator.clipboard.readText()`)
    assert.equal(copied, token)
  }).timeout(60_000)
})

import { test } from '@japa/runner'
import type { Page } from 'playwright'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { SAMPLES, emptyDisk, useDisk } from '#tests/helpers/documents'
import { totp } from '#services/totp'
import Document from '#models/document'

/**
 * Drops files on an element the way a browser does: a drop event whose
 * DataTransfer holds the files.
 */
async function dropFiles(
  page: Page,
  selector: string,
  files: { name: string; type: string; base64: string }[]
) {
  // Runs in the page (a string: the test project has no DOM types).
  const transfer = await page.evaluateHandle(`(() => {
    const data = new DataTransfer()
    for (const entry of ${JSON.stringify(files)}) {
      const bytes = Uint8Array.from(atob(entry.base64), (char) => char.charCodeAt(0))
      data.items.add(new File([bytes], entry.name, { type: entry.type }))
    }
    return data
  })()`)
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await page.dispatchEvent(selector, type, { dataTransfer: transfer })
  }
}

type ProgressProbe = {
  document: {
    addEventListener(type: string, listener: () => void): void
    querySelector(selector: string): { hidden: boolean; value: number } | null
  }
  uploadProgress?: number[]
}

test.group('Browser | documents', (group) => {
  group.setup(() => useDisk('fs'))
  group.each.setup(resetDatabase())
  group.each.setup(() => emptyDisk('fs'))

  test('drop two files on the zone, see them listed, preview the PDF, delete one', async ({
    visit,
    assert,
  }) => {
    const member = await createAccount({ role: 'member' })
    const page = await visit('/sign-in')
    await page.getByLabel('Email').fill(member.email)
    await page.getByLabel('Password').fill(member.password)
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL('**/sign-in/mfa')
    await page.getByLabel('Code', { exact: true }).fill(totp.codeAt(member.totpSecret!, Date.now()))
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.waitForURL((url) => url.pathname === '/')

    await page.getByRole('link', { name: 'Documents' }).click()
    await page.waitForURL('**/documents')
    await dropFiles(page, '[data-dropzone]', [
      {
        name: 'security-policy.pdf',
        type: 'application/pdf',
        base64: SAMPLES.pdf().toString('base64'),
      },
      { name: 'architecture.png', type: 'image/png', base64: SAMPLES.png().toString('base64') },
    ])
    await page.locator('[data-dropzone-files] li', { hasText: 'architecture.png' }).waitFor()
    await page.getByLabel('Category').first().selectOption('policy')
    // Records what the progress bar shows each time htmx reports progress
    // (this listener runs after the page's own).
    await page.evaluate(() => {
      const window = globalThis as unknown as ProgressProbe
      window.uploadProgress = []
      window.document.addEventListener('htmx:xhr:progress', () => {
        const bar = window.document.querySelector('[data-upload-progress]')
        if (bar && !bar.hidden) window.uploadProgress!.push(bar.value)
      })
    })
    await page.getByRole('button', { name: 'Upload', exact: true }).click()
    await page.getByText('Uploaded 2 documents.').waitFor()
    const progress = await page.evaluate(
      () => (globalThis as unknown as ProgressProbe).uploadProgress
    )
    assert.equal(progress?.at(-1), 100)
    const table = page.getByTestId('documents-table')
    await table.getByRole('link', { name: 'security-policy' }).waitFor()
    await table.getByRole('link', { name: 'architecture' }).waitFor()

    // The PDF's preview is an iframe on its signed inline link.
    const pdf = page.waitForResponse((response) => response.url().includes('disposition=inline'))
    await table.getByRole('link', { name: 'security-policy' }).click()
    const previewResponse = await pdf
    assert.equal(previewResponse.status(), 200)
    assert.equal(previewResponse.headers()['content-type'], 'application/pdf')
    const frame = page.getByTestId('pdf-preview')
    await frame.waitFor()
    assert.include(await frame.getAttribute('src'), '/file?')

    // Delete the image from the list.
    await page.getByRole('link', { name: '← Documents' }).click()
    await page.waitForURL('**/documents')
    const row = page.getByRole('row', { name: /architecture/ })
    await row.getByText('Delete', { exact: true }).click()
    await row.getByRole('button', { name: 'Yes, delete architecture' }).click()
    await page.getByText('Deleted “architecture”.').waitFor()
    assert.equal(await table.getByRole('link', { name: 'architecture' }).count(), 0)
    assert.equal(await table.getByRole('link', { name: 'security-policy' }).count(), 1)
    const deleted = await Document.findByOrFail('title', 'architecture')
    assert.isNotNull(deleted.deletedAt)
  }).timeout(90_000)
})

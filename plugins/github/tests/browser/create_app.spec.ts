import { test } from '@japa/runner'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#plugin-sdk/testing'
import { createAccount } from '#tests/helpers/accounts'
import { createQueueWorker } from '#services/queue_worker'
import { totp } from '#services/totp'
import type { FakeGitHub } from '../fake_github/server.js'
import { startGitHub } from '../testbed.js'
import { forgetRegistrationMemo } from '../../app_setup/registration.js'

/** with SCREENSHOTS=1, the page at desktop and phone width, in tmp/screenshots */
async function screenshots(page: Page, name: string) {
  if (!process.env.SCREENSHOTS) return
  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ]) {
    await page.setViewportSize({ width, height })
    await page.screenshot({ path: `tmp/screenshots/${name}-${width}.png`, fullPage: true })
  }
  await page.setViewportSize({ width: 1440, height: 900 })
}

test.group('Browser | GitHub in five minutes', (group) => {
  let github: FakeGitHub
  let snapshots: string
  group.setup(async () => {
    github = await startGitHub()
    snapshots = mkdtempSync(join(tmpdir(), 'sextant-browser-snapshots-'))
    // a fresh install: no GITHUB_* variable for the App
    const restoreEnv = withEnv({
      SNAPSHOTS_PATH: snapshots,
      GITHUB_APP_ID: undefined,
      GITHUB_APP_PRIVATE_KEY: undefined,
      GITHUB_APP_SLUG: undefined,
      GITHUB_CLIENT_ID: undefined,
      GITHUB_CLIENT_SECRET: undefined,
      GITHUB_WEBHOOK_SECRET: undefined,
    })
    return async () => {
      restoreEnv()
      forgetRegistrationMemo()
      rmSync(snapshots, { recursive: true, force: true })
      await github.stop()
    }
  })
  group.each.setup(resetDatabase)

  test('a superuser creates the App on GitHub, installs it, and the first sync lists the repositories', async ({
    visit,
    assert,
  }) => {
    forgetRegistrationMemo()
    const installationId = 7701
    github.addInstallation({
      id: installationId,
      account: { login: 'acme-rockets', type: 'Organization' },
    })
    github.addRepository(installationId, { name: 'engine', files: { 'README.md': '# Engine\n' } })
    github.addUser({ login: 'ada', installationIds: [installationId] })
    const admin = await createAccount({ role: 'admin', superuser: true })

    const worker = await createQueueWorker({ concurrency: 2 })
    const working = worker.start(['default'])
    try {
      const page = await visit('/sign-in')
      await page.getByLabel('Email').fill(admin.email)
      await page.getByLabel('Password').fill(admin.password)
      await page.getByRole('button', { name: 'Continue' }).click()
      await page.waitForURL('**/sign-in/mfa')
      await page
        .getByLabel('Code', { exact: true })
        .fill(totp.codeAt(admin.totpSecret!, Date.now()))
      await page.getByRole('button', { name: 'Verify' }).click()
      await page.waitForURL((url) => url.pathname === '/')

      await page.goto('/integrations/github')
      await page.getByRole('link', { name: 'Create the GitHub App' }).click()
      await page.waitForURL('**/integrations/github/app')
      await screenshots(page, 'github-app-create')
      await page.getByLabel('App name').fill('Sextant Acme')
      await page.getByRole('button', { name: 'Create GitHub App' }).click()
      // the continue page hands the manifest on to GitHub by itself; GitHub asks to confirm
      await page.waitForURL((url) => url.pathname === '/settings/apps/new')
      await page.getByRole('button', { name: /Create GitHub App for/ }).click()
      await page.waitForURL('**/integrations/github/app')
      assert.include(await page.locator('#flash').innerText(), 'GitHub App Sextant Acme created')
      await screenshots(page, 'github-app-created')

      await page.getByRole('button', { name: 'Install on GitHub' }).click()
      await page.waitForURL((url) => url.pathname.startsWith(`/apps/${github.state.app.slug}/`))
      assert.equal(github.state.app.name, 'Sextant Acme')
      await page.getByRole('button', { name: 'Install' }).click()
      await page.waitForURL('**/integrations/github/connections/*/repositories')
      assert.include(await page.locator('#flash').innerText(), 'Connected to GitHub (acme-rockets)')

      const engineRow = page.locator('tr[data-repository="acme-rockets/engine"]')
      for (let attempt = 0; attempt < 60 && (await engineRow.count()) === 0; attempt++) {
        await page.waitForTimeout(500)
        await page.reload()
      }
      assert.equal(await engineRow.count(), 1)
    } finally {
      await worker.stop()
      await working
    }
  })
})

import { test } from '@japa/runner'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#plugin-sdk/testing'
import { createAccount } from '#tests/helpers/accounts'
import { createQueueWorker } from '#services/queue_worker'
import { totp } from '#services/totp'
import type { FakeGitHub } from '../fake_github/server.js'
import { BASE, startGitHub } from '../testbed.js'

test.group('Browser | connect GitHub', (group) => {
  let github: FakeGitHub
  let snapshots: string
  group.setup(async () => {
    github = await startGitHub()
    github.setSetupUrl(`${BASE}/integrations/github/setup`)
    snapshots = mkdtempSync(join(tmpdir(), 'sextant-browser-snapshots-'))
    const restoreEnv = withEnv({ SNAPSHOTS_PATH: snapshots })
    return async () => {
      restoreEnv()
      rmSync(snapshots, { recursive: true, force: true })
      await github.stop()
    }
  })
  group.each.setup(resetDatabase)

  test('connect, install on GitHub, come back, choose repositories, and see the snapshot commit', async ({
    visit,
    assert,
  }) => {
    const installationId = 5501
    github.addInstallation({
      id: installationId,
      account: { login: 'acme-rockets', type: 'Organization' },
    })
    const repository = github.addRepository(installationId, {
      name: 'engine',
      files: { 'README.md': '# Engine\n' },
    })
    github.addRepository(installationId, { name: 'fuel', files: { 'main.py': 'print(1)\n' } })
    github.addUser({ login: 'ada', installationIds: [installationId] })
    const admin = await createAccount({ role: 'admin' })

    // The first sync after connecting (with the snapshots) runs in a worker.
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

      await page.goto('/settings/connections')
      await page.getByRole('link', { name: 'Connect GitHub' }).click()
      await page.waitForURL('**/integrations/github')
      await page.getByRole('button', { name: 'Install on GitHub' }).click()
      // GitHub's installation page, then back through the setup URL and the OAuth authorisation.
      await page.waitForURL((url) => url.pathname.startsWith(`/apps/${github.state.app.slug}/`))
      await page.getByRole('button', { name: 'Install' }).click()
      await page.waitForURL('**/integrations/github/connections/*/repositories')
      assert.include(await page.locator('#flash').innerText(), 'Connected to GitHub (acme-rockets)')

      // The queued first sync lists the repositories and downloads them.
      const engineRow = page.locator('tr[data-repository="acme-rockets/engine"]')
      const head = repository.commits[repository.commits.length - 1].sha
      for (let attempt = 0; attempt < 60; attempt++) {
        if (
          (await engineRow.count()) > 0 &&
          (await engineRow.locator('.snapshot code').count()) > 0
        )
          break
        await page.waitForTimeout(500)
        await page.reload()
      }
      assert.equal(await engineRow.locator('.snapshot code').innerText(), head.slice(0, 12))

      // Stop monitoring "fuel" and save.
      await page.getByLabel('Monitor acme-rockets/fuel').uncheck()
      await page.getByRole('button', { name: 'Save selection' }).click()
      await page.locator('#flash').getByText('1 monitored, 1 not monitored').waitFor()
      assert.isFalse(await page.getByLabel('Monitor acme-rockets/fuel').isChecked())
      assert.isTrue(await page.getByLabel('Monitor acme-rockets/engine').isChecked())
    } finally {
      await worker.stop()
      await working
    }
  })
})

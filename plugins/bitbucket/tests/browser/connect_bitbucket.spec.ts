import { test } from '@japa/runner'
import Connection from '#models/connection'
import { createQueueWorker } from '#services/queue_worker'
import { totp } from '#services/totp'
import { createAccount } from '#tests/helpers/accounts'
import { resetDatabase } from '#tests/helpers/database'
import { waitFor } from '#tests/helpers/wait'
import { seedWorkspace } from '../fake_bitbucket/seed.js'
import { startFakeBitbucket, type FakeBitbucket } from '../fake_bitbucket/server.js'
import { BASE } from '../testbed.js'

test.group('Browser | connect Bitbucket', (group) => {
  let bitbucket: FakeBitbucket
  group.setup(async () => {
    bitbucket = await startFakeBitbucket()
    return () => bitbucket.stop()
  })
  group.each.setup(resetDatabase)

  test('connect through OAuth, pick a workspace, pick repositories; the webhook is on Bitbucket with Sextant URL and secret', async ({
    visit,
    assert,
  }) => {
    seedWorkspace(bitbucket.state, 'acme', 2, 2, 'Acme Rockets')
    seedWorkspace(bitbucket.state, 'beta-labs', 1, 1, 'Beta Labs')
    const admin = await createAccount({ role: 'admin' })

    // onConnected and the first sync run in a worker, as in production.
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
      // the first method (OAuth 2.0) is open: no click needed to reach its button
      await page.getByRole('button', { name: 'Connect with Bitbucket' }).click()
      // bitbucket.org's authorisation, then back to Sextant to pick workspaces
      await page.waitForURL('**/integrations/oauth/accounts/*')
      await page.getByRole('checkbox', { name: 'Acme Rockets' }).check()
      await page.getByRole('button', { name: 'Connect the ticked accounts' }).click()
      await page.waitForURL((url) => url.pathname === '/settings/connections')

      const connection = await Connection.findByOrFail('account_key', 'acme')
      assert.isNull(await Connection.findBy('account_key', 'beta-labs'))
      await page.goto(`/settings/connections/${connection.publicId}`)
      await page.getByRole('link', { name: 'Choose repositories' }).click()
      await page.waitForURL('**/integrations/bitbucket/connections/*/repositories')
      const second = page.locator('tr[data-repository="acme/repo-01"]')
      for (let attempt = 0; attempt < 60 && (await second.count()) === 0; attempt++) {
        await page.waitForTimeout(500)
        await page.reload()
      }
      await page.getByLabel('Monitor acme/repo-01').uncheck()
      await page.getByRole('button', { name: 'Save selection' }).click()
      await page.locator('#flash').getByText('1 monitored, 1 not monitored').waitFor()
      assert.isFalse(await page.getByLabel('Monitor acme/repo-01').isChecked())
      assert.isTrue(await page.getByLabel('Monitor acme/repo-00').isChecked())

      if (process.env.BITBUCKET_SCREENSHOTS) {
        for (const [width, scheme] of [
          [1440, 'light'],
          [390, 'light'],
          [1440, 'dark'],
          [390, 'dark'],
        ] as const) {
          await page.setViewportSize({ width, height: 900 })
          await page.emulateMedia({ colorScheme: scheme })
          await page.screenshot({
            path: `${process.env.BITBUCKET_SCREENSHOTS}/repositories-${width}-${scheme}.png`,
            fullPage: true,
          })
        }
      }

      // the webhook registered for the user in onConnected
      await waitFor(async () => bitbucket.state.hooks.size === 1, {
        timeoutMs: 30_000,
        what: 'the webhook',
      })
      const [hook] = [...bitbucket.state.hooks.values()]
      await connection.refresh()
      assert.equal(hook.subject, '/2.0/workspaces/acme')
      assert.equal(hook.url, `${BASE}/api/webhooks/bitbucket`)
      assert.equal(hook.secret, connection.openCredentials().webhookSecret)
    } finally {
      await worker.stop()
      await working
    }
  })
})

import { test } from '@japa/runner'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import ImportAiEngineData from '#actions/ai_code/import_ai_engine_data'
import AttestChunk from '#actions/ai_code/attest_chunk'
import { publicIds } from '#services/public_id'
import { insertProduct } from '#tests/helpers/insights'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createConnection } from '#tests/helpers/connections'
import { signInThroughPage } from '#tests/helpers/browser'

/**
 * The AI code pages (and GitHub's repository page, which links to the
 * policy) in Chromium, at 1440 and 390 px, light and dark:
 * nothing scrolls sideways, no template code shows. With SCREENSHOTS=1
 * each visit writes a PNG to tmp/screenshots/.
 */
const VIEWPORTS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const

test.group('Browser | AI code', (group) => {
  group.each.setup(resetDatabase())

  test('the AI code policy settings, the AI Code Monitor and the attestation pages fit a phone and a desktop, light and dark', async ({
    visit,
    assert,
  }) => {
    const account = await createAccount({ role: 'admin' })
    const connection = await createConnection(account.organization)
    const handle = connectionHandle(connection, pluginRegistry.require(connection.pluginId))
    await handle.store.upsertRepositories([
      { externalId: 'r1', name: 'rockets', fullName: 'acme/rockets' },
    ])
    const folder = await mkdtemp(join(tmpdir(), 'ai-engine-'))
    const line = (path: string, start: number, end: number, label: string) =>
      JSON.stringify({
        repository: 'acme/rockets',
        commit: 'abcdef0',
        path,
        start_line: start,
        end_line: end,
        label,
        probability: 0.9,
        engine: 'gaid',
        engine_version: '2',
      })
    await writeFile(
      join(folder, 'out.jsonl'),
      [
        line('a.ts', 1, 40, 'ai'),
        line('a.ts', 41, 90, 'human'),
        line('b.ts', 1, 9, 'blended'),
      ].join('\n')
    )
    await new ImportAiEngineData().execute({
      organizationId: account.organization.id,
      path: folder,
    })
    assert.exists(await db.from('ai_code_gboms').first())
    // a pull request of that commit, one of its chunks attested
    await handle.store.upsertPullRequests([
      {
        externalId: 'p1',
        repositoryExternalId: 'r1',
        number: 12,
        title: 'Tune the engine with a rather long title that has to wrap on a phone',
        state: 'open',
        openedAt: new Date(),
        commitShas: ['abcdef0'],
      },
    ])
    const pull = await db.from('pull_requests').where('number', 12).firstOrFail()
    const chunk = await db.from('ai_code_facts').where('path', 'a.ts').where('origin', 'ai').first()
    const attested = await new AttestChunk().execute({
      organizationId: account.organization.id,
      pullRequestId: pull.id,
      chunkPublicId: publicIds('ai_code_fact').encode(Number(chunk.id)),
      verdict: 'Blended',
      user: account.user,
      mayAttestAnyLines: true,
    })
    await insertProduct(account.organization.id, 'Launcher', [Number(pull.repository_id)])
    const pullPath = `/ai-code/repositories/${publicIds('repository').encode(Number(pull.repository_id))}/pull-requests/12`

    // GitHub's repository page links to the policy instead of keeping its own
    const gitHub = await createConnection(account.organization, {
      pluginId: 'github',
      accountKey: 'acme',
      config: { installationId: 77 },
    })

    const page = await visit('/sign-in')
    await signInThroughPage(page, account)
    if (process.env.SCREENSHOTS === '1') await mkdir('tmp/screenshots', { recursive: true })
    for (const path of [
      '/settings/ai-code-policy',
      '/ai-code',
      pullPath,
      '/ai-code/attestations',
      `/ai-code/attestations/${attested.publicId}`,
      `/integrations/github/connections/${gitHub.publicId}/repositories`,
    ]) {
      for (const viewport of VIEWPORTS) {
        await page.setViewportSize({ width: viewport.width, height: viewport.height })
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme })
          const response = await page.goto(path)
          assert.equal(response?.status(), 200, path)
          const sideways = await page.evaluate<number>(
            'document.documentElement.scrollWidth - document.documentElement.clientWidth'
          )
          assert.isAtMost(sideways, 0, `${path} scrolls sideways at ${viewport.width}`)
          assert.notMatch(await page.locator('main').innerText(), /@if|@end|\{\{/)
          if (process.env.SCREENSHOTS === '1') {
            const slug = path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')
            await page.screenshot({
              path: `tmp/screenshots/${slug}--${viewport.name}-${scheme}.png`,
              fullPage: true,
            })
          }
        }
      }
    }
    await page.goto('/ai-code')
    assert.include(await page.locator('main').innerText(), 'acme/rockets')
  }).timeout(120_000)
})

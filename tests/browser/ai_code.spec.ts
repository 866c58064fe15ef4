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
import { sqlTime } from '#services/sql'

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

  test("a repository's file tree opens folders in place with htmx, and a file's line ranges fit a phone and a desktop, light and dark", async ({
    visit,
    assert,
  }) => {
    const account = await createAccount({ role: 'member' })
    const connection = await createConnection(account.organization)
    const handle = connectionHandle(connection, pluginRegistry.require(connection.pluginId))
    await handle.store.upsertRepositories([
      { externalId: 'r1', name: 'rockets', fullName: 'acme/rockets' },
    ])
    const folder = await mkdtemp(join(tmpdir(), 'ai-engine-'))
    const line = (path: string, start: number, end: number, label: string, extra = {}) =>
      JSON.stringify({
        repository: 'acme/rockets',
        commit: 'abcdef0',
        path,
        start_line: start,
        end_line: end,
        language: 'TypeScript',
        label,
        probability: 0.9,
        engine: 'gaid',
        engine_version: '2',
        ...extra,
      })
    const long = 'src/propulsion/very-long-folder-name-for-a-phone/and-another-level'
    await writeFile(
      join(folder, 'out.jsonl'),
      [
        line('src/engine.ts', 1, 40, 'ai', { sha256: 'e3b0c442'.repeat(8) }),
        line('src/engine.ts', 41, 90, 'human'),
        line('src/engine.ts', 91, 120, 'blended'),
        line(`${long}/thrust-vector-controller.ts`, 1, 12, 'blended'),
        line('README.md', 1, 30, 'human', { language: 'Markdown' }),
      ].join('\n')
    )
    await new ImportAiEngineData().execute({
      organizationId: account.organization.id,
      path: folder,
    })
    const repository = await db
      .from('repositories')
      .where('full_name', 'acme/rockets')
      .firstOrFail()
    const base = `/ai-code/repositories/${publicIds('repository').encode(Number(repository.id))}`
    // a developer's NotGenAI over part of the AI lines: a disagreement to show
    await db.table('ai_code_facts').insert({
      organization_id: account.organization.id,
      repository_id: repository.id,
      source: 'attestation',
      commit_sha: 'abcdef0',
      path: 'src/engine.ts',
      start_line: 1,
      end_line: 10,
      origin: 'human',
      evidence: 'NotGenAI by a developer',
      created_at: sqlTime(),
      updated_at: sqlTime(),
    })
    const { default: RegenerateGbom } = await import('#actions/ai_code/regenerate_gbom')
    await new RegenerateGbom().execute({ organizationId: account.organization.id })

    const page = await visit('/sign-in')
    await signInThroughPage(page, account)
    await page.goto(base)
    // htmx: the folder's listing arrives under it, the page stays
    await page.getByRole('link', { name: /^.?\s*src\/$/ }).click()
    await page.getByRole('link', { name: 'engine.ts' }).waitFor()
    assert.equal(new URL(page.url()).pathname, base)
    assert.notInclude(page.url(), 'folder=')

    if (process.env.SCREENSHOTS === '1') await mkdir('tmp/screenshots', { recursive: true })
    for (const path of [
      base,
      `${base}?folder=${encodeURIComponent(long)}`,
      `${base}/lines?path=src%2Fengine.ts`,
    ]) {
      for (const viewport of VIEWPORTS) {
        await page.setViewportSize({ width: viewport.width, height: viewport.height })
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme })
          const response = await page.goto(path)
          assert.equal(response?.status(), 200, path)
          if (path === base) {
            await page.getByRole('link', { name: /^.?\s*src\/$/ }).click()
            await page.getByRole('link', { name: 'engine.ts' }).waitFor()
          }
          const sideways = await page.evaluate<number>(
            'document.documentElement.scrollWidth - document.documentElement.clientWidth'
          )
          assert.isAtMost(sideways, 0, `${path} scrolls sideways at ${viewport.width}`)
          assert.notMatch(await page.locator('main').innerText(), /@if|@end|\{\{/)
          if (process.env.SCREENSHOTS === '1') {
            const slug = path
              .replace(/[^a-z0-9]+/gi, '-')
              .replace(/^-|-$/g, '')
              .slice(-60)
            await page.screenshot({
              path: `tmp/screenshots/tree-${slug}--${viewport.name}-${scheme}.png`,
              fullPage: true,
            })
          }
        }
      }
    }
  }).timeout(120_000)
})

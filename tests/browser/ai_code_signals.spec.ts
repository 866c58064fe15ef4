import { test } from '@japa/runner'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import ImportAiEngineData from '#actions/ai_code/import_ai_engine_data'
import { publicIds } from '#services/public_id'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createConnection } from '#tests/helpers/connections'
import { signInThroughPage } from '#tests/helpers/browser'

/**
 * Built-in signals where facts are listed (docs/ai_code.md): the
 * repository's signals, a file's line ranges with a signal's evidence and
 * its disagreement with the analyzer, a marked pull request's chunks; in
 * Chromium at 1440 and 390 px, light and dark, nothing scrolling
 * sideways. With SCREENSHOTS=1 each visit writes a PNG to
 * tmp/screenshots/.
 */
const VIEWPORTS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const

const BOT = 'b0'.repeat(20)
const MARKED = 'c0'.repeat(20)

test.group('Browser | AI code built-in signals', (group) => {
  group.each.setup(resetDatabase())

  test("a signal's evidence and its disagreement fit a phone and a desktop, light and dark", async ({
    visit,
    assert,
  }) => {
    const account = await createAccount({ role: 'admin' })
    const organizationId = account.organization.id
    const connection = await createConnection(account.organization)
    const handle = connectionHandle(connection, pluginRegistry.require(connection.pluginId))
    await handle.store.upsertRepositories([
      { externalId: 'r1', name: 'rockets', fullName: 'acme/rockets' },
    ])
    await handle.store.upsertCommits([
      {
        repositoryExternalId: 'r1',
        sha: BOT,
        message: 'Add the fuel gauge and rewire the thrust vector controller',
        authorLogin: 'copilot-swe-agent[bot]',
        committedAt: new Date(),
        addedLines: [
          { path: 'src/gauge.ts', ranges: [[1, 40]] },
          { path: 'src/engine.ts', ranges: [[1, 20]] },
        ],
      },
      {
        repositoryExternalId: 'r1',
        sha: MARKED,
        message: 'Tune the thrust curve\n\nCo-authored-by: Claude <noreply@anthropic.com>',
        authorLogin: 'ada',
        committedAt: new Date(),
        addedLines: [{ path: 'src/thrust.ts', ranges: [[3, 18]] }],
      },
    ])
    await handle.store.upsertPullRequests([
      {
        externalId: 'p1',
        repositoryExternalId: 'r1',
        number: 12,
        title: 'Tune the thrust curve',
        state: 'open',
        openedAt: new Date(),
        commitShas: [MARKED],
        body: 'Tunes it.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)',
      },
    ])
    // the analyzer says the engine's first lines are human: it wins
    const folder = await mkdtemp(join(tmpdir(), 'ai-engine-'))
    await writeFile(
      join(folder, 'out.jsonl'),
      JSON.stringify({
        repository: 'acme/rockets',
        commit: BOT,
        path: 'src/engine.ts',
        start_line: 1,
        end_line: 10,
        label: 'human',
        probability: 0.9,
        engine: 'gaid',
        engine_version: '2',
      })
    )
    await new ImportAiEngineData().execute({ organizationId, path: folder })
    const repository = await db.from('repositories').where('full_name', 'acme/rockets').first()
    const base = `/ai-code/repositories/${publicIds('repository').encode(Number(repository.id))}`

    const page = await visit('/sign-in')
    await signInThroughPage(page, account)
    if (process.env.SCREENSHOTS === '1') await mkdir('tmp/screenshots', { recursive: true })
    for (const path of [base, `${base}/lines?path=src%2Fengine.ts`, `${base}/pull-requests/12`]) {
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
          const text = await page.locator('main').innerText()
          assert.notMatch(text, /@if|@end|\{\{/)
          assert.match(text, /copilot-swe-agent\[bot\]|Generated with \[Claude Code\]/)
          if (process.env.SCREENSHOTS === '1') {
            const slug = path
              .replace(/[^a-z0-9]+/gi, '-')
              .replace(/^-|-$/g, '')
              .slice(-40)
            await page.screenshot({
              path: `tmp/screenshots/signals-${slug}--${viewport.name}-${scheme}.png`,
              fullPage: true,
            })
          }
        }
      }
    }
  }).timeout(120_000)
})

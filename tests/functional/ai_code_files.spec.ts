import { test } from '@japa/runner'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import type Organization from '#models/organization'
import ImportAiEngineData from '#actions/ai_code/import_ai_engine_data'
import RegenerateGbom from '#actions/ai_code/regenerate_gbom'
import { publicIds } from '#services/public_id'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { sqlTime } from '#services/sql'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createConnection } from '#tests/helpers/connections'
import { WebClient } from '#tests/helpers/web_client'

/**
 * A repository in the AI Code Monitor (docs/ai_code.md): its files as a
 * tree, a folder at a time (htmx loads a folder in place, the same URL
 * serves the page without JavaScript), each file's composition and
 * hash, and a file's line ranges coloured by origin with the
 * disagreements; public ids only, escaped, fenced to the organisation.
 */
const SHA = '0123456789abcdef0123456789abcdef01234567'
const HASH = 'c0ffee'.padEnd(64, '0')

const chunk = (path: string, overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    repository: 'acme/rockets',
    commit: SHA,
    path,
    start_line: 1,
    end_line: 30,
    language: 'TypeScript',
    label: 'ai',
    probability: 0.9,
    engine: 'gaid',
    engine_version: '2.1.0',
    ...overrides,
  })

async function setup() {
  const account = await createAccount({ role: 'member' })
  const organization = account.organization as Organization
  const connection = await createConnection(organization)
  const handle = connectionHandle(connection, pluginRegistry.require(connection.pluginId))
  await handle.store.upsertRepositories([
    { externalId: 'r1', name: 'rockets', fullName: 'acme/rockets' },
  ])
  const repository = await db.from('repositories').where('full_name', 'acme/rockets').firstOrFail()
  const file = join(await mkdtemp(join(tmpdir(), 'ai-files-')), 'output.jsonl')
  await writeFile(
    file,
    [
      chunk('src/engine.ts', { sha256: HASH }),
      chunk('src/engine.ts', { start_line: 31, end_line: 100, label: 'human' }),
      chunk('src/lib/fuel.ts', { end_line: 20, label: 'blended' }),
      chunk('src/lib/<b>odd</b>.ts', { end_line: 5, engine: '<img src=x onerror=alert(1)>' }),
      chunk('README.md', { end_line: 10, label: 'human', language: 'Markdown' }),
    ].join('\n')
  )
  await new ImportAiEngineData().execute({ organizationId: organization.id, path: file })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  const repositoryId = Number(repository.id)
  return {
    web,
    organization,
    repositoryId,
    base: `/ai-code/repositories/${publicIds('repository').encode(repositoryId)}`,
  }
}

test.group("AI code | a repository's files", (group) => {
  group.each.setup(resetDatabase())

  test('the repository page lists the root folder: sub-folders loading in place with htmx, files with their composition', async ({
    assert,
  }) => {
    const { web, base, repositoryId } = await setup()
    const monitor = await web.get('/ai-code')
    assert.include(monitor.text, `href="${base}"`)

    const page = await web.get(base)
    assert.equal(page.status, 200)
    assert.include(page.text, '<html')
    // the folder is a plain link (no JavaScript) that htmx loads in place
    assert.include(page.text, `href="${base}?folder=src"`)
    assert.include(page.text, `hx-get="${base}?folder=src"`)
    assert.include(page.text, 'src/</a>')
    // src holds 3 files: 30 AI + 70 human, 20 blended, 5 AI
    assert.include(page.text, '3 files · 35 AI, 20 blended, 70 human')
    assert.include(
      page.text,
      `href="/ai-code/repositories/${base.split('/').at(-1)}/lines?path=README.md"`
    )
    assert.notInclude(page.text, `/ai-code/repositories/${repositoryId}"`)

    const fragment = await web.get(`${base}?folder=src`, { 'HX-Request': 'true' })
    assert.equal(fragment.status, 200)
    assert.notInclude(fragment.text, '<html')
    assert.include(fragment.text, `href="${base}?folder=src%2Flib"`)
    assert.include(fragment.text, 'engine.ts</a>')
    assert.include(fragment.text, '30% AI')

    const nested = await web.get(`${base}?folder=src%2Flib`)
    assert.include(nested.text, '<html')
    assert.include(nested.text, 'aria-current="page">lib</span>')
    assert.include(nested.text, '&lt;b&gt;odd&lt;')
    assert.notInclude(nested.text, '<b>odd</b>')

    assert.equal((await web.get(`${base}?folder=nowhere`)).status, 404)
  })

  test("a file's view shows its hash and its line ranges by origin, with the disagreement an attestation makes visible, escaped", async ({
    assert,
  }) => {
    const { web, base, organization, repositoryId } = await setup()
    await db.table('ai_code_facts').insert({
      organization_id: organization.id,
      repository_id: repositoryId,
      source: 'attestation',
      commit_sha: SHA,
      path: 'src/engine.ts',
      start_line: 1,
      end_line: 10,
      origin: 'human',
      evidence: 'NotGenAI by ada@example.com',
      created_at: sqlTime(),
      updated_at: sqlTime(),
    })
    await new RegenerateGbom().execute({ organizationId: organization.id })
    const page = await web.get(`${base}/lines?path=src%2Fengine.ts`)
    assert.equal(page.status, 200)
    assert.include(page.text, HASH)
    assert.include(
      page.text,
      '20 AI, 0 blended and 80 human lines; 10 lines where sources disagree'
    )
    const rows = [...page.text.matchAll(/<tr class="origin-(\w+)">\s*<td>(\d+)–(\d+)<\/td>/g)].map(
      (match) => `${match[1]} ${match[2]}-${match[3]}`
    )
    assert.deepEqual(rows, ['human 1-10', 'ai 11-30', 'human 31-100'])
    assert.include(page.text, 'Disagreement: analyzer: ai')

    const odd = await web.get(`${base}/lines?path=${encodeURIComponent('src/lib/<b>odd</b>.ts')}`)
    assert.equal(odd.status, 200)
    assert.include(odd.text, '&lt;img src=x onerror=alert(1)&gt;')
    assert.notInclude(odd.text, '<img src=x')

    assert.equal((await web.get(`${base}/lines?path=src%2Fmissing.ts`)).status, 404)
  })

  test("another organisation's repository, or a made-up id, is a 404", async ({ assert }) => {
    const { base } = await setup()
    const stranger = await createAccount({ role: 'owner' })
    const web = new WebClient()
    await web.signIn(stranger.email, stranger.password, stranger.totpSecret!)
    assert.equal((await web.get(base)).status, 404)
    assert.equal((await web.get(`${base}/lines?path=README.md`)).status, 404)
    assert.equal((await web.get('/ai-code/repositories/not-an-id')).status, 404)
  })

  test('the repository page lists its built-in signals with their evidence: AI trailers and agent bot authors', async ({
    assert,
  }) => {
    const { web, base, organization, repositoryId } = await setup()
    const commit = (sha: string, values: Record<string, unknown>) =>
      db.table('commits').insert({
        organization_id: organization.id,
        repository_id: repositoryId,
        provider: 'github',
        external_id: `r1:${sha}`,
        sha,
        committed_at: sqlTime(),
        created_at: sqlTime(),
        updated_at: sqlTime(),
        ai_assisted: false,
        ...values,
      })
    await commit('a'.repeat(40), {
      message: 'Tune thrust\n\nCo-authored-by: Claude <noreply@anthropic.com>',
      trailers: JSON.stringify([
        { key: 'Co-authored-by', value: 'Claude <noreply@anthropic.com>' },
      ]),
      ai_assisted: true,
      author_login: 'ada',
    })
    await commit('b'.repeat(40), {
      message: 'Fix the fuel gauge',
      author_login: 'copilot-swe-agent[bot]',
    })
    await commit('c'.repeat(40), { message: 'A human change', author_login: 'grace' })
    const page = await web.get(base)
    assert.include(page.text, 'Co-authored-by: Claude &lt;noreply@anthropic.com&gt;')
    assert.include(page.text, 'author copilot-swe-agent[bot]')
    assert.include(page.text, 'aaaaaaa')
    assert.include(page.text, 'bbbbbbb')
    assert.notInclude(page.text, 'A human change')
  })
})

import { test } from '@japa/runner'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import type Organization from '#models/organization'
import CreateApiToken from '#actions/tokens/create_api_token'
import ImportAiEngineData from '#actions/ai_code/import_ai_engine_data'
import { CLI_META } from '#services/audit'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { sqlTime } from '#services/sql'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createConnection } from '#tests/helpers/connections'
import { insertProduct } from '#tests/helpers/insights'
import { WebClient } from '#tests/helpers/web_client'

/**
 * The composition by product, model and language, and over time (a
 * point per repository and day, each day summing every repository's
 * latest point), in the token API and on the AI Code Monitor page.
 */
const BASE = `http://${process.env.HOST}:${process.env.PORT}`
const SHA = '0123456789abcdef0123456789abcdef01234567'

const line = (overrides: Record<string, unknown>) =>
  JSON.stringify({
    repository: 'acme/rockets',
    commit: SHA,
    path: 'src/engine.ts',
    start_line: 1,
    end_line: 30,
    language: 'TypeScript',
    label: 'ai',
    probability: 0.9,
    engine: 'gaid',
    engine_version: '2',
    ...overrides,
  })

async function setup() {
  const account = await createAccount({ role: 'member' })
  const organization = account.organization as Organization
  const connection = await createConnection(organization)
  const handle = connectionHandle(connection, pluginRegistry.require(connection.pluginId))
  await handle.store.upsertRepositories([
    { externalId: 'r1', name: 'rockets', fullName: 'acme/rockets' },
    { externalId: 'r2', name: 'fuel', fullName: 'acme/fuel' },
  ])
  const ids = Object.fromEntries(
    (await db.from('repositories').where('organization_id', organization.id)).map((row) => [
      row.full_name,
      Number(row.id),
    ])
  )
  await insertProduct(organization.id, 'Launcher', [ids['acme/rockets']])
  // yesterday, acme/fuel was all human
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
  await db.table('ai_code_composition_points').insert({
    organization_id: organization.id,
    repository_id: ids['acme/fuel'],
    day: yesterday,
    ai_lines: 0,
    blended_lines: 0,
    human_lines: 50,
    created_at: sqlTime(),
    updated_at: sqlTime(),
  })
  await db.table('ai_code_facts').insert({
    organization_id: organization.id,
    repository_id: ids['acme/rockets'],
    source: 'git_ai',
    commit_sha: SHA,
    path: 'tools/build.py',
    start_line: 1,
    end_line: 10,
    origin: 'ai',
    language: 'Python',
    agent: 'claude',
    model: 'claude-opus-4-6',
    created_at: sqlTime(),
    updated_at: sqlTime(),
  })
  const folder = await mkdtemp(join(tmpdir(), 'breakdowns-'))
  await writeFile(
    join(folder, 'out.jsonl'),
    [
      line({}),
      line({ start_line: 31, end_line: 100, label: 'human' }),
      line({
        path: 'tools/build.py',
        start_line: 11,
        end_line: 20,
        language: 'Python',
        label: 'human',
      }),
    ].join('\n')
  )
  await new ImportAiEngineData().execute({ organizationId: organization.id, path: folder })
  return { account, organization, yesterday }
}

test.group('AI code | composition by product, model, language and over time', (group) => {
  group.each.setup(resetDatabase())

  test('the token API slices the composition by product, model and language, and gives a point per day', async ({
    assert,
  }) => {
    const { account, yesterday } = await setup()
    const { value } = await new CreateApiToken().execute({
      user: account.user,
      membership: account.membership,
      name: 'ci',
      abilities: ['read'],
      expiresInDays: 1,
      meta: CLI_META,
    })
    const response = await fetch(`${BASE}/api/v1/repositories/composition`, {
      headers: { authorization: `Bearer ${value}` },
    })
    const { data } = (await response.json()) as any
    assert.lengthOf(data.byProduct, 1)
    assert.equal(data.byProduct[0].product.name, 'Launcher')
    assert.notProperty(data.byProduct[0].product, 'id')
    assert.deepEqual(data.byProduct[0].lines, { ai: 40, blended: 0, human: 80 })
    assert.deepEqual(data.byModel, [
      { model: null, lines: 30 },
      { model: 'claude-opus-4-6', lines: 10 },
    ])
    assert.deepEqual(
      data.byLanguage.map((item: any) => [item.language, item.lines]),
      [
        ['TypeScript', { ai: 30, blended: 0, human: 70 }],
        ['Python', { ai: 10, blended: 0, human: 10 }],
      ]
    )
    const today = new Date().toISOString().slice(0, 10)
    assert.deepEqual(
      data.overTime.map((point: any) => [point.day, point.lines]),
      [
        [yesterday, { ai: 0, blended: 0, human: 50 }],
        // today: acme/rockets' new point plus acme/fuel's latest (yesterday's)
        [today, { ai: 40, blended: 0, human: 130 }],
      ]
    )
  })

  test('the AI Code Monitor page shows the composition over time, by product, model and language', async ({
    assert,
  }) => {
    const { account, yesterday } = await setup()
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const page = await web.get('/ai-code')
    assert.equal(page.status, 200)
    for (const text of ['Over time', yesterday, 'Launcher', 'claude-opus-4-6', 'Python']) {
      assert.include(page.text, text)
    }
  })
})

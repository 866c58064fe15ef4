import { test } from '@japa/runner'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import type Organization from '#models/organization'
import CreateApiToken from '#actions/tokens/create_api_token'
import ImportAiEngineData from '#actions/ai_code/import_ai_engine_data'
import { CLI_META } from '#services/audit'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { repositoryComposition } from '#services/ai_code/composition'
import { sqlTime } from '#services/sql'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createConnection } from '#tests/helpers/connections'
import { runAce } from '#tests/helpers/processes'
import { WebClient } from '#tests/helpers/web_client'
import coreSchedules from '#config/schedules'

/**
 * Facts about lines, each keeping its source: an analyzer's output
 * imported by `import:ai-engine-data` (all or nothing), the GBOM rebuilt
 * from the facts (`regenerate:gbom`), the composition in the token API
 * and on the AI Code Monitor page, fenced to the organisation.
 */
const BASE = `http://${process.env.HOST}:${process.env.PORT}`
const SHA = '0123456789abcdef0123456789abcdef01234567'

function chunk(overrides: Record<string, unknown> = {}) {
  return JSON.stringify({
    repository: 'acme/rockets',
    commit: SHA,
    path: 'src/engine.ts',
    start_line: 1,
    end_line: 30,
    language: 'TypeScript',
    label: 'ai',
    probability: 0.93,
    engine: 'gaid',
    engine_version: '2.1.0',
    ...overrides,
  })
}

const GOOD = [
  chunk(),
  chunk({ start_line: 31, end_line: 100, label: 'human', probability: 0.8 }),
  chunk({ path: 'src/fuel.ts', start_line: 1, end_line: 20, label: 'blended' }),
].join('\n')

async function outputFile(text: string) {
  const folder = await mkdtemp(join(tmpdir(), 'ai-engine-'))
  const file = join(folder, 'output.jsonl')
  await writeFile(file, text)
  return file
}

async function organizationWithRepository() {
  const account = await createAccount({ role: 'member' })
  const organization = account.organization as Organization
  const connection = await createConnection(organization)
  const handle = connectionHandle(connection, pluginRegistry.require(connection.pluginId))
  await handle.store.upsertRepositories([
    { externalId: 'r1', name: 'rockets', fullName: 'acme/rockets' },
  ])
  const repository = await db
    .from('repositories')
    .where('organization_id', organization.id)
    .where('full_name', 'acme/rockets')
    .firstOrFail()
  return { account, organization, repositoryId: Number(repository.id) }
}

async function tokenFor(account: Awaited<ReturnType<typeof createAccount>>) {
  const { value } = await new CreateApiToken().execute({
    user: account.user,
    membership: account.membership,
    name: 'ci',
    abilities: ['read'],
    expiresInDays: 1,
    meta: CLI_META,
  })
  return value
}

const count = async (table: string) => Number((await db.from(table).count('* as total'))[0].total)

test.group('AI code | analyzer output, GBOM and composition', (group) => {
  group.each.setup(resetDatabase())

  test('an output with one bad line imports nothing, and the one line says which file, line and field', async ({
    assert,
  }) => {
    const { organization } = await organizationWithRepository()
    const file = await outputFile(`${GOOD}\n${chunk({ probability: 7 })}\n`)
    const result = await runAce(['import_ai_engine_data', file, '--orgid', String(organization.id)])
    assert.equal(result.code, 1)
    const said = `${result.stdout}${result.stderr}`
    assert.include(said, `${file}:4: field "probability" must be a number from 0 to 1`)
    assert.include(said, 'nothing was imported')
    assert.equal(await count('ai_code_facts'), 0)
    assert.equal(await count('ai_code_gboms'), 0)
  }).timeout(90_000)

  test('a repository the organisation does not have refuses the whole import', async ({
    assert,
  }) => {
    const { organization } = await organizationWithRepository()
    const file = await outputFile(`${GOOD}\n${chunk({ repository: 'other/secret' })}`)
    await assert.rejects(
      () => new ImportAiEngineData().execute({ organizationId: organization.id, path: file }),
      /repository "other\/secret" is not one of the organisation's repositories/
    )
    assert.equal(await count('ai_code_facts'), 0)
  })

  test('a good output builds the GBOM, served by the token API with public ids only; importing it again changes nothing', async ({
    assert,
  }) => {
    const { account, organization, repositoryId } = await organizationWithRepository()
    const file = await outputFile(GOOD)
    const result = await runAce(['import:ai-engine-data', file, '--org', organization.publicId])
    assert.equal(result.code, 0, result.stderr)
    const gbom = await db.from('ai_code_gboms').where('repository_id', repositoryId).firstOrFail()
    assert.deepInclude(
      { ai: gbom.ai_lines, blended: gbom.blended_lines, human: gbom.human_lines },
      { ai: 30, blended: 20, human: 70 }
    )

    const token = await tokenFor(account)
    for (const path of ['/api/repositories/composition/', '/api/v1/repositories/composition']) {
      const response = await fetch(`${BASE}${path}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      })
      assert.equal(response.status, 200, path)
      const body = (await response.json()) as any
      assert.lengthOf(body.data.repositories, 1)
      const [item] = body.data.repositories
      assert.deepEqual(item.lines, { ai: 30, blended: 20, human: 70 })
      assert.notEqual(item.repository.publicId, String(repositoryId))
      assert.notProperty(item.repository, 'id')
      assert.equal(body.data.totals.aiSharePercent, 41.7)
    }

    await new ImportAiEngineData().execute({ organizationId: organization.id, path: file })
    assert.equal(await count('ai_code_facts'), 3)
    const again = await db.from('ai_code_gboms').where('repository_id', repositoryId).firstOrFail()
    assert.equal(again.document, gbom.document)
  }).timeout(90_000)

  test('regenerate:gbom after deleting every GBOM rebuilds identical documents', async ({
    assert,
  }) => {
    const { organization } = await organizationWithRepository()
    await new ImportAiEngineData().execute({
      organizationId: organization.id,
      path: await outputFile(GOOD),
    })
    const before = await db.from('ai_code_gboms').select('repository_id', 'document')
    await db.from('ai_code_gboms').delete()
    const result = await runAce(['regenerate_gbom', '--orgid', String(organization.id)])
    assert.equal(result.code, 0, result.stderr)
    assert.include(result.stdout, '1/1')
    const after = await db.from('ai_code_gboms').select('repository_id', 'document')
    assert.deepEqual(after, before)
  }).timeout(90_000)

  test("a developer's attestation outranks the analyzer, and the disagreement is kept visible", async ({
    assert,
  }) => {
    const { organization, repositoryId } = await organizationWithRepository()
    await new ImportAiEngineData().execute({
      organizationId: organization.id,
      path: await outputFile(chunk()),
    })
    await db.table('ai_code_facts').insert({
      organization_id: organization.id,
      repository_id: repositoryId,
      source: 'attestation',
      commit_sha: SHA,
      path: 'src/engine.ts',
      start_line: 1,
      end_line: 10,
      origin: 'human',
      evidence: 'attested NotGenAI',
      created_at: sqlTime(),
      updated_at: sqlTime(),
    })
    const composition = (await repositoryComposition(organization.id, repositoryId))!
    const [file] = composition.files
    assert.deepInclude(file, { ai: 20, human: 10, disagreements: 10 })
    assert.sameMembers(file.sources, ['analyzer', 'attestation'])
  })

  test("another organisation's token sees none of it", async ({ assert }) => {
    const { organization } = await organizationWithRepository()
    await new ImportAiEngineData().execute({
      organizationId: organization.id,
      path: await outputFile(GOOD),
    })
    const stranger = await createAccount({ role: 'member' })
    const response = await fetch(`${BASE}/api/repositories/composition/`, {
      headers: { authorization: `Bearer ${await tokenFor(stranger)}`, accept: 'application/json' },
    })
    const body = (await response.json()) as any
    assert.lengthOf(body.data.repositories, 0)
    assert.equal(body.data.totals.aiSharePercent, 0)
  })

  test('the AI Code Monitor page shows the composition by repository', async ({ assert }) => {
    const { account, organization } = await organizationWithRepository()
    await new ImportAiEngineData().execute({
      organizationId: organization.id,
      path: await outputFile(GOOD),
    })
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const page = await web.get('/ai-code')
    assert.equal(page.status, 200)
    assert.include(page.text, 'acme/rockets')
    assert.include(page.text, '41.7%')
  })

  test("every 15 minutes the schedule imports each organisation's folder of AI_ENGINE_OUTPUT_PATH", async ({
    assert,
  }) => {
    const { organization, repositoryId } = await organizationWithRepository()
    const root = await mkdtemp(join(tmpdir(), 'ai-engine-root-'))
    await mkdir(join(root, organization.publicId))
    await writeFile(join(root, organization.publicId, 'today.jsonl'), GOOD)
    const schedule = coreSchedules().find((candidate) => candidate.name === 'ai-code:import')!
    assert.equal(schedule.cron, '*/15 * * * *')
    const previous = process.env.AI_ENGINE_OUTPUT_PATH
    process.env.AI_ENGINE_OUTPUT_PATH = root
    try {
      const summary = await schedule.run({} as any)
      assert.equal(summary, '1 organisation(s) imported')
      const gbom = await db.from('ai_code_gboms').where('repository_id', repositoryId).first()
      assert.equal(gbom.ai_lines, 30)
      // a folder naming no organisation fails the run, saying so
      await mkdir(join(root, 'nobody'))
      await assert.rejects(() => schedule.run({} as any), /nobody: no such organisation/)
    } finally {
      if (previous === undefined) delete process.env.AI_ENGINE_OUTPUT_PATH
      else process.env.AI_ENGINE_OUTPUT_PATH = previous
    }
  })
})

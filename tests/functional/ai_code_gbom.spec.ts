import { test } from '@japa/runner'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Spec, Validation } from '@cyclonedx/cyclonedx-library'
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
import { WebClient } from '#tests/helpers/web_client'

/**
 * The GBOM is a CycloneDX 1.6 JSON BOM, checked against the official
 * schema that @cyclonedx/cyclonedx-library ships (its strict JSON
 * validator): the repository is the root component, files are `file`
 * components with the composition in `sextant:genai:*` properties,
 * agents and models are components. Per repository and per pull request.
 */
const BASE = `http://${process.env.HOST}:${process.env.PORT}`
const FIRST = '0123456789abcdef0123456789abcdef01234567'
const SECOND = 'fedcba9876543210fedcba9876543210fedcba98'
// the analyzer's SHA-256 of src/engine.ts at FIRST
const ENGINE_SHA256 = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'

const line = (overrides: Record<string, unknown>) =>
  JSON.stringify({
    repository: 'acme/rockets',
    commit: FIRST,
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

async function setup() {
  const account = await createAccount({ role: 'member' })
  const organization = account.organization as Organization
  const connection = await createConnection(organization)
  const handle = connectionHandle(connection, pluginRegistry.require(connection.pluginId))
  await handle.store.upsertRepositories([
    { externalId: 'r1', name: 'rockets', fullName: 'acme/rockets' },
  ])
  await handle.store.upsertPullRequests([
    {
      externalId: 'pr7',
      repositoryExternalId: 'r1',
      number: 7,
      title: 'Fuel',
      state: 'open',
      headSha: SECOND,
      openedAt: new Date(),
      commitShas: [SECOND],
    },
  ])
  const repository = await db.from('repositories').where('full_name', 'acme/rockets').first()
  const folder = await mkdtemp(join(tmpdir(), 'gbom-'))
  const file = join(folder, 'output.jsonl')
  await writeFile(
    file,
    [
      line({ sha256: ENGINE_SHA256 }),
      line({ start_line: 31, end_line: 100, label: 'human', probability: 0.8 }),
      line({ commit: SECOND, path: 'src/fuel.ts', end_line: 20, label: 'blended' }),
    ].join('\n')
  )
  // a Git AI note's fact, naming the agent and the model
  await db.table('ai_code_facts').insert({
    organization_id: organization.id,
    repository_id: repository.id,
    source: 'git_ai',
    commit_sha: SECOND,
    path: 'src/fuel.ts',
    start_line: 21,
    end_line: 25,
    origin: 'ai',
    agent: 'claude',
    model: 'claude-opus-4-6',
    evidence: 'session 1612649c4bf0b88e',
    created_at: sqlTime(),
    updated_at: sqlTime(),
  })
  await new ImportAiEngineData().execute({ organizationId: organization.id, path: file })
  const { value: token } = await new CreateApiToken().execute({
    user: account.user,
    membership: account.membership,
    name: 'ci',
    abilities: ['read'],
    expiresInDays: 1,
    meta: CLI_META,
  })
  return { account, organization, token }
}

async function api(token: string, path: string) {
  return fetch(`${BASE}${path}`, { headers: { authorization: `Bearer ${token}` } })
}

const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6)

function property(item: { properties?: Array<{ name: string; value: string }> }, name: string) {
  return item.properties?.filter((entry) => entry.name === name).map((entry) => entry.value)
}

test.group('AI code | GBOM as CycloneDX 1.6', (group) => {
  group.each.setup(resetDatabase())

  test("a repository's GBOM validates against the CycloneDX 1.6 schema and its totals equal the composition's", async ({
    assert,
  }) => {
    const { token } = await setup()
    const list = (await (await api(token, '/api/v1/repositories/composition')).json()) as any
    const [item] = list.data.repositories
    const response = await api(token, `/api/v1/repositories/${item.repository.publicId}/gbom`)
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type')!, /^application\/vnd\.cyclonedx\+json/)
    const text = await response.text()
    assert.isNull(await validator.validate(text))

    const bom = JSON.parse(text)
    assert.equal(bom.specVersion, '1.6')
    const root = bom.metadata.component
    assert.equal(root.name, 'acme/rockets')
    assert.deepEqual(
      {
        ai: Number(property(root, 'sextant:genai:lines:ai')![0]),
        blended: Number(property(root, 'sextant:genai:lines:blended')![0]),
        human: Number(property(root, 'sextant:genai:lines:human')![0]),
      },
      item.lines
    )
    assert.deepEqual(property(root, 'sextant:genai:aiSharePercent'), [String(item.aiSharePercent)])
    const files = bom.components.filter((component: any) => component.type === 'file')
    assert.deepEqual(
      files.map((component: any) => component.name),
      ['src/engine.ts', 'src/fuel.ts']
    )
    assert.deepEqual(files[0].hashes, [{ alg: 'SHA-256', content: ENGINE_SHA256 }])
    assert.notProperty(files[1], 'hashes')
    assert.deepEqual(property(files[1], 'sextant:genai:agent'), ['claude / claude-opus-4-6'])
    assert.sameMembers(property(files[1], 'sextant:genai:source')!, ['analyzer', 'git_ai'])
    const model = bom.components.find((c: any) => c.type === 'machine-learning-model')
    assert.equal(model.name, 'claude-opus-4-6')
    assert.exists(bom.components.find((c: any) => c.type === 'application' && c.name === 'claude'))
  }).timeout(60_000)

  test("a pull request's GBOM covers only the commits its code host listed", async ({ assert }) => {
    const { token } = await setup()
    const list = (await (await api(token, '/api/v1/repositories/composition')).json()) as any
    const publicId = list.data.repositories[0].repository.publicId
    const response = await api(token, `/api/v1/repositories/${publicId}/pull-requests/7/gbom`)
    assert.equal(response.status, 200)
    const text = await response.text()
    assert.isNull(await validator.validate(text))
    const bom = JSON.parse(text)
    assert.deepEqual(
      bom.components.filter((c: any) => c.type === 'file').map((c: any) => c.name),
      ['src/fuel.ts']
    )
    const root = bom.metadata.component
    assert.deepEqual(property(root, 'sextant:genai:scope'), ['pull-request'])
    assert.deepEqual(property(root, 'sextant:genai:lines:ai'), ['5'])
    assert.deepEqual(property(root, 'sextant:genai:lines:blended'), ['20'])
    assert.equal(
      (await api(token, `/api/v1/repositories/${publicId}/pull-requests/8/gbom`)).status,
      404
    )
  }).timeout(60_000)

  test("another organisation's token, or a made-up id, gets a 404 and no document", async ({
    assert,
  }) => {
    const { token } = await setup()
    const list = (await (await api(token, '/api/v1/repositories/composition')).json()) as any
    const publicId = list.data.repositories[0].repository.publicId
    const stranger = await createAccount({ role: 'member' })
    const { value: other } = await new CreateApiToken().execute({
      user: stranger.user,
      membership: stranger.membership,
      name: 'ci',
      abilities: ['read'],
      expiresInDays: 1,
      meta: CLI_META,
    })
    const foreign = await api(other, `/api/v1/repositories/${publicId}/gbom`)
    assert.equal(foreign.status, 404)
    assert.notInclude(await foreign.text(), 'acme/rockets')
    assert.equal((await api(token, '/api/v1/repositories/1/gbom')).status, 404)
    // a number past the column's range is no pull request (PostgreSQL would refuse the query)
    const farPull = await api(
      token,
      `/api/v1/repositories/${publicId}/pull-requests/99999999999/gbom`
    )
    assert.equal(farPull.status, 404)
    const composition = await api(token, `/api/v1/repositories/${publicId}/composition`)
    assert.equal(((await composition.json()) as any).data.totals.ai, 35)
  }).timeout(60_000)

  test('the AI Code Monitor page links each GBOM, downloaded as a CycloneDX file', async ({
    assert,
  }) => {
    const { account } = await setup()
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const page = await web.get('/ai-code')
    const href = /href="(\/ai-code\/repositories\/[^"]+\/gbom)"/.exec(page.text)![1]
    const download = await web.get(href)
    assert.equal(download.status, 200)
    assert.include(download.headers.get('content-disposition')!, 'acme-rockets.gbom.cdx.json')
    assert.isNull(await validator.validate(download.text))
  }).timeout(60_000)
})

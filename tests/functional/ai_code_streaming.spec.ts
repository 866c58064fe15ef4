import { test } from '@japa/runner'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import type Organization from '#models/organization'
import ImportAiEngineData, { ENGINE_IMPORT_BATCH } from '#actions/ai_code/import_ai_engine_data'
import RegenerateGbom, { GBOM_FILE_BATCH } from '#actions/ai_code/regenerate_gbom'
import {
  composeFile,
  fileCompositions,
  FACT_PAGE,
  repositoryComposition,
} from '#services/ai_code/composition'
import CreateApiToken from '#actions/tokens/create_api_token'
import { CLI_META } from '#services/audit'
import { repositoryGbomText } from '#queries/ai_code_gboms'
import { publicIds } from '#services/public_id'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createConnection } from '#tests/helpers/connections'

/**
 * The import and the GBOM rebuild work in bounded chunks whatever the
 * output's size (docs/ai_code.md): the analyzer's chunks are written
 * ENGINE_IMPORT_BATCH per statement, facts are read FACT_PAGE per
 * statement, the GBOM's files written GBOM_FILE_BATCH per statement;
 * and the sweep over ranges gives what a line-by-line count gives.
 * Statement sizes, never timings.
 */
const SHA = '0123456789abcdef0123456789abcdef01234567'

const chunk = (path: string, overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    repository: 'acme/rockets',
    commit: SHA,
    path,
    start_line: 1,
    end_line: 10,
    language: 'TypeScript',
    label: 'ai',
    probability: 0.9,
    engine: 'gaid',
    engine_version: '2.1.0',
    ...overrides,
  })

async function organizationWithRepository() {
  const account = await createAccount({ role: 'member' })
  const organization = account.organization as Organization
  const connection = await createConnection(organization)
  const handle = connectionHandle(connection, pluginRegistry.require(connection.pluginId))
  await handle.store.upsertRepositories([
    { externalId: 'r1', name: 'rockets', fullName: 'acme/rockets' },
  ])
  const repository = await db.from('repositories').where('full_name', 'acme/rockets').firstOrFail()
  return { account, organization, repositoryId: Number(repository.id) }
}

async function outputFile(lines: string[]) {
  const file = join(await mkdtemp(join(tmpdir(), 'ai-stream-')), 'output.jsonl')
  await writeFile(file, lines.join('\n') + '\n')
  return file
}

type Statement = { sql: string; bindings: number }

/** the statements sent while `run` runs (knex's query event of the default connection) */
async function statementsOf(run: () => Promise<unknown>) {
  const client = db.connection().getWriteClient() as unknown as {
    on: (event: 'query', listener: (query: { sql: string; bindings?: unknown[] }) => void) => void
    off: (event: 'query', listener: (query: { sql: string; bindings?: unknown[] }) => void) => void
  }
  const seen: Statement[] = []
  const listener = (query: { sql: string; bindings?: unknown[] }) =>
    seen.push({
      sql: query.sql.toLowerCase().replace(/[`"]/g, ''),
      bindings: query.bindings?.length ?? 0,
    })
  client.on('query', listener)
  try {
    await run()
  } finally {
    client.off('query', listener)
  }
  return seen
}

const FACT_COLUMNS = 16
const FILE_COLUMNS = 13

test.group('AI code | bounded import and rebuild', (group) => {
  group.each.setup(resetDatabase())

  test('an output larger than a batch is written in bounded statements, and a path named in two batches keeps both chunks', async ({
    assert,
  }) => {
    const { organization } = await organizationWithRepository()
    const files = ENGINE_IMPORT_BATCH * 2 + 1
    const lines = Array.from({ length: files }, (_, index) => chunk(`src/file${index}.ts`))
    // the first file again, in the last batch: its chunks of this import must both stay
    lines.push(chunk('src/file0.ts', { start_line: 11, end_line: 20, label: 'human' }))
    const file = await outputFile(lines)
    const importOutput = () =>
      new ImportAiEngineData().execute({ organizationId: organization.id, path: file })
    const statements = await statementsOf(importOutput)

    const factInserts = statements.filter((s) => s.sql.startsWith('insert into ai_code_facts'))
    assert.lengthOf(factInserts, Math.ceil(lines.length / ENGINE_IMPORT_BATCH))
    for (const insert of factInserts) {
      assert.isAtMost(insert.bindings / FACT_COLUMNS, ENGINE_IMPORT_BATCH)
    }
    const fileInserts = statements.filter((s) => s.sql.startsWith('insert into ai_code_gbom_files'))
    assert.lengthOf(fileInserts, Math.ceil(files / GBOM_FILE_BATCH))
    for (const insert of fileInserts) {
      assert.isAtMost(insert.bindings / FILE_COLUMNS, GBOM_FILE_BATCH)
    }
    const factReads = statements.filter(
      (s) =>
        s.sql.startsWith('select') &&
        s.sql.includes('from ai_code_facts') &&
        s.sql.includes('limit')
    )
    assert.isAtLeast(factReads.length, Math.ceil(lines.length / FACT_PAGE))

    const count = async () => Number((await db.from('ai_code_facts').count('* as total'))[0].total)
    assert.equal(await count(), lines.length)
    const firstFile = await db
      .from('ai_code_gbom_files')
      .where('path', 'src/file0.ts')
      .firstOrFail()
    assert.deepEqual([firstFile.ai_lines, firstFile.human_lines], [10, 10])

    const before = await db.from('ai_code_gboms').select('document').firstOrFail()
    await importOutput()
    assert.equal(await count(), lines.length)
    const after = await db.from('ai_code_gboms').select('document').firstOrFail()
    assert.equal(after.document, before.document)
  }).timeout(120_000)

  test('facts read in pages compose the same files as facts read at once, a file spanning pages included', async ({
    assert,
  }) => {
    const { organization, repositoryId } = await organizationWithRepository()
    const lines: string[] = []
    for (let index = 0; index < 9; index++) {
      lines.push(chunk('src/big.ts', { start_line: index * 5 + 1, end_line: index * 5 + 8 }))
    }
    lines.push(chunk('src/a.ts', { label: 'blended' }), chunk('src/z.ts', { label: 'human' }))
    await new ImportAiEngineData().execute({
      organizationId: organization.id,
      path: await outputFile(lines),
    })
    const read = async (pageSize: number) => {
      const files = []
      for await (const file of fileCompositions(organization.id, repositoryId, { pageSize })) {
        files.push(file)
      }
      return files
    }
    const paged = await read(4)
    assert.deepEqual(
      paged.map((file) => file.path),
      ['src/a.ts', 'src/big.ts', 'src/z.ts']
    )
    assert.deepEqual(paged, await read(10_000))
    assert.equal(paged[1].ai, 48)
  })

  test('the sweep over ranges counts what a line-by-line count counts, disagreements included', async ({
    assert,
  }) => {
    const sources = ['attestation', 'git_ai', 'analyzer', 'trailer']
    const origins = ['ai', 'blended', 'human']
    const rank: Record<string, number> = { attestation: 4, git_ai: 3, analyzer: 2, trailer: 1 }
    let seed = 7
    const next = (max: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % max
    }
    for (let round = 0; round < 50; round++) {
      const facts = Array.from({ length: 1 + next(12) }, (_, id) => {
        const start = 1 + next(60)
        return {
          id: id + 1,
          source: sources[next(4)],
          origin: origins[next(3)],
          language: null,
          agent: null,
          model: next(2) ? 'gpt-5' : null,
          start_line: start,
          end_line: start + next(30),
        }
      })
      const expected = { ai: 0, blended: 0, human: 0, disagreements: 0 }
      for (let line = 1; line <= 100; line++) {
        const covering = facts.filter((f) => f.start_line <= line && f.end_line >= line)
        if (covering.length === 0) continue
        const winner = covering.reduce((best, f) =>
          rank[f.source] > rank[best.source] ||
          (rank[f.source] === rank[best.source] && f.id > best.id)
            ? f
            : best
        )
        expected[winner.origin as 'ai' | 'blended' | 'human'] += 1
        if (covering.some((f) => f.origin !== winner.origin)) expected.disagreements += 1
      }
      const file = composeFile('src/x.ts', facts)
      assert.deepEqual(
        {
          ai: file.ai,
          blended: file.blended,
          human: file.human,
          disagreements: file.disagreements,
        },
        expected,
        `round ${round}`
      )
    }
  })

  test('the stored GBOM streams back as one document whose files carry their SHA-256', async ({
    assert,
  }) => {
    const { organization, repositoryId } = await organizationWithRepository()
    const hash = 'ab'.repeat(32)
    await new ImportAiEngineData().execute({
      organizationId: organization.id,
      path: await outputFile([
        chunk('src/a.ts', { sha256: hash.toUpperCase() }),
        chunk('src/b.ts'),
      ]),
    })
    const text = await repositoryGbomText(
      organization.id,
      publicIds('repository').encode(repositoryId)
    )
    const bom = JSON.parse(text)
    const files = bom.components.filter((component: any) => component.type === 'file')
    assert.deepEqual(files[0].hashes, [{ alg: 'SHA-256', content: hash }])
    assert.notProperty(files[1], 'hashes')
    assert.deepEqual(bom.dependencies[0].dependsOn, ['file:src/a.ts', 'file:src/b.ts'])
    await db.from('ai_code_gboms').delete()
    await new RegenerateGbom().execute({ organizationId: organization.id })
    assert.equal(
      await repositoryGbomText(organization.id, publicIds('repository').encode(repositoryId)),
      text
    )
  })
})

test.group('AI code | streamed composition API', (group) => {
  group.each.setup(resetDatabase())

  test("a repository's composition is answered file by file as it is read, with the same files and totals as the composition read at once", async ({
    assert,
  }) => {
    const { account, organization, repositoryId } = await organizationWithRepository()
    const lines = Array.from({ length: 450 }, (_, index) =>
      chunk(`src/file${String(index).padStart(3, '0')}.ts`, {
        label: index % 3 === 0 ? 'human' : 'ai',
      })
    )
    await new ImportAiEngineData().execute({
      organizationId: organization.id,
      path: await outputFile(lines),
    })
    const { value: token } = await new CreateApiToken().execute({
      user: account.user,
      membership: account.membership,
      name: 'ci',
      abilities: ['read'],
      expiresInDays: 1,
      meta: CLI_META,
    })
    const publicId = publicIds('repository').encode(repositoryId)

    const response = await fetch(
      `http://${process.env.HOST}:${process.env.PORT}/api/v1/repositories/${publicId}/composition`,
      { headers: { authorization: `Bearer ${token}` } }
    )

    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type')!, /^application\/json/)
    assert.isNull(response.headers.get('content-length'), 'streamed, never measured in memory')
    const answer = (await response.json()) as { data: Record<string, unknown> }
    const inMemory = await repositoryComposition(organization.id, repositoryId)
    assert.deepEqual(answer.data, JSON.parse(JSON.stringify(inMemory)))
    assert.lengthOf(answer.data.files as unknown[], 450)
    assert.deepEqual(answer.data.totals, {
      ai: 3000,
      blended: 0,
      human: 1500,
      disagreements: 0,
      files: 450,
    })
  }).timeout(120_000)
})

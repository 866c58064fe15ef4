import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type Organization from '#models/organization'
import RegenerateGbom from '#actions/ai_code/regenerate_gbom'
import ListCompositions from '#actions/ai_code/list_compositions'
import { aiSharePercent } from '#services/ai_code/composition'
import { executiveSummary } from '#services/insights_pages/executive_summary'
import { buildRange } from '#services/insights_pages/date_range'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { sqlTime } from '#services/sql'
import { publicIds } from '#services/public_id'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { productDetail, productList } from '#services/insights_pages/products_page'
import type { PageTable } from '#services/insights_pages/tables'
import { insertCommit, insertProduct } from '#tests/helpers/insights'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createConnection } from '#tests/helpers/connections'

/**
 * The Executive Summary's AI share is the GBOM composition's (AI and
 * blended lines over every attributed line, docs/ai_code.md), not the
 * commit trailers', and a GBOM rebuild refreshes the cached summary.
 */
const COMMIT = '0123456789abcdef0123456789abcdef01234567'

async function setup() {
  const account = await createAccount({ role: 'member' })
  const organization = account.organization as Organization
  const connection = await createConnection(organization)
  const handle = connectionHandle(connection, pluginRegistry.require(connection.pluginId))
  await handle.store.upsertRepositories([
    { externalId: 'r1', name: 'rockets', fullName: 'acme/rockets' },
  ])
  const repository = await db.from('repositories').where('full_name', 'acme/rockets').first()
  return { organization, repositoryId: Number(repository.id) }
}

function fact(
  organizationId: number,
  repositoryId: number,
  values: { source: string; start: number; end: number; origin: string }
) {
  return db.table('ai_code_facts').insert({
    organization_id: organizationId,
    repository_id: repositoryId,
    source: values.source,
    commit_sha: COMMIT,
    path: 'src/engine.ts',
    start_line: values.start,
    end_line: values.end,
    origin: values.origin,
    language: 'TypeScript',
    evidence: 'test',
    created_at: sqlTime(),
    updated_at: sqlTime(),
  })
}

function lastThirtyDays() {
  const today = DateTime.utc().startOf('day')
  return buildRange('custom', today.minus({ days: 29 }), today)
}

async function aiCard(organizationId: number) {
  const summary = await executiveSummary(organizationId, lastThirtyDays())
  return summary.cards.find((card) => card.key === 'ai_share')!
}

test.group('AI code | the Executive Summary AI share', (group) => {
  group.each.setup(resetDatabase())

  test("the AI share KPI is the GBOM composition's AI and blended lines over all attributed lines", async ({
    assert,
  }) => {
    const { organization, repositoryId } = await setup()
    // 30 AI, 10 blended, 60 human lines, and no commit at all: trailers would say nothing
    await fact(organization.id, repositoryId, {
      source: 'analyzer',
      start: 1,
      end: 30,
      origin: 'ai',
    })
    await fact(organization.id, repositoryId, {
      source: 'analyzer',
      start: 31,
      end: 40,
      origin: 'blended',
    })
    await fact(organization.id, repositoryId, {
      source: 'analyzer',
      start: 41,
      end: 100,
      origin: 'human',
    })
    await new RegenerateGbom().execute({ organizationId: organization.id })

    const gbom = await db.from('ai_code_gboms').where('repository_id', repositoryId).first()
    const composition = aiSharePercent({
      ai: Number(gbom.ai_lines),
      blended: Number(gbom.blended_lines),
      human: Number(gbom.human_lines),
    })
    const card = await aiCard(organization.id)
    assert.equal(composition, 40)
    assert.equal(card.raw, composition)
    assert.equal(card.value, '40%')
  })

  test("the KPI's drill-down list (the AI Code Monitor's repositories) totals the KPI", async ({
    assert,
  }) => {
    const { organization, repositoryId } = await setup()
    await fact(organization.id, repositoryId, {
      source: 'analyzer',
      start: 1,
      end: 7,
      origin: 'ai',
    })
    await fact(organization.id, repositoryId, {
      source: 'analyzer',
      start: 8,
      end: 9,
      origin: 'blended',
    })
    await fact(organization.id, repositoryId, {
      source: 'analyzer',
      start: 10,
      end: 30,
      origin: 'human',
    })
    await new RegenerateGbom().execute({ organizationId: organization.id })

    const list = await new ListCompositions().execute(organization.id)
    const card = await aiCard(organization.id)
    assert.equal(list.totals.aiSharePercent, 30)
    assert.equal(card.raw, list.totals.aiSharePercent)
  })

  test('a GBOM rebuild refreshes the cached Executive Summary', async ({ assert }) => {
    const { organization, repositoryId } = await setup()
    await fact(organization.id, repositoryId, {
      source: 'analyzer',
      start: 1,
      end: 30,
      origin: 'ai',
    })
    await fact(organization.id, repositoryId, {
      source: 'analyzer',
      start: 31,
      end: 100,
      origin: 'human',
    })
    await new RegenerateGbom().execute({ organizationId: organization.id })
    assert.equal((await aiCard(organization.id)).raw, 30)

    // a developer attests the AI chunk as NotGenAI: the strongest source wins
    await fact(organization.id, repositoryId, {
      source: 'attestation',
      start: 1,
      end: 30,
      origin: 'human',
    })
    assert.equal((await aiCard(organization.id)).raw, 30, 'cached until the GBOM is rebuilt')
    await new RegenerateGbom().execute({ organizationId: organization.id })
    assert.equal((await aiCard(organization.id)).raw, 0)
  })

  test("every AI share of the summaries is the composition's: the products' and repositories' columns, the GenAI figure and table, not the commits' trailers", async ({
    assert,
  }) => {
    const { organization, repositoryId } = await setup()
    const today = DateTime.utc().toISODate()!
    // every commit of the period carries an AI trailer: the trailers would say 100%
    await insertCommit(organization.id, repositoryId, {
      committed: `${today} 00:00`,
      aiAssisted: true,
    })
    const productId = await insertProduct(organization.id, 'Launch', [repositoryId])
    await new RollUpMetrics().execute({ organizationId: organization.id })
    await fact(organization.id, repositoryId, {
      source: 'analyzer',
      start: 1,
      end: 30,
      origin: 'ai',
    })
    await fact(organization.id, repositoryId, {
      source: 'analyzer',
      start: 31,
      end: 40,
      origin: 'blended',
    })
    await fact(organization.id, repositoryId, {
      source: 'analyzer',
      start: 41,
      end: 100,
      origin: 'human',
    })
    await new RegenerateGbom().execute({ organizationId: organization.id })
    const range = lastThirtyDays()
    // the AI share is each table's last column (the CSV values carry more columns than the page)
    const cell = (table: PageTable, column: string) => {
      assert.equal(table.columns.at(-1), column)
      return table.values![0].at(-1)
    }

    const summary = await executiveSummary(organization.id, range)
    const products = summary.tables.find((table) => table.name === 'products')!
    assert.equal(cell(products, 'AI share (lines)'), 40)
    assert.include(summary.figures.ai, 'GenAI composition of the code (lines)')
    assert.include(summary.figures.ai, '40%')

    const list = await productList(organization.id, range)
    assert.equal(cell(list.tables[0], 'AI share (lines)'), 40)

    const detail = await productDetail(
      organization.id,
      publicIds('product').encode(productId),
      range
    )
    const repositories = detail.tables.find((table) => table.name === 'repositories')!
    assert.equal(cell(repositories, 'AI share (lines)'), 40)
    const genai = detail.tables.find((table) => table.name === 'genai')!
    assert.deepEqual(genai.values![0], ['acme/rockets', 30, 10, 60, 40])
    assert.equal(
      genai.links![0],
      `/ai-code/repositories/${publicIds('repository').encode(repositoryId)}`
    )
  })
})

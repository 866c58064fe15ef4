import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import CalculateScores from '#actions/insights/calculate_scores'
import { addDays, engine, today } from '#services/insights/dialect'
import { invalidateInsights } from '#services/insights/cache'
import { sqlTime } from '#services/sql'
import {
  DEMO_EXTERNAL_PREFIX,
  generateInsightsDemo,
  type DemoRows,
  type InsightsDemoOptions,
} from '#actions/demo/insights_demo_generator'

export const DEMO_PRODUCTS = ['Launch Platform', 'Mission Control', 'Ground Systems']

const MOMENT_COLUMNS = new Set([
  'opened_at',
  'first_commit_at',
  'first_review_at',
  'approved_at',
  'merged_at',
  'closed_at',
  'committed_at',
  'authored_at',
  'started_at',
  'finished_at',
  'restored_at',
  'resolved_at',
  'introduced_at',
  'fixed_at',
])

/**
 * The generated rows are the demo's own provider ("demo"): each plugin
 * writes its provider's demo history itself (PluginDeclarations.demo).
 */
const DEMO_PROVIDER = 'demo'
const SOURCES: Array<{
  table: string
  key: keyof Omit<DemoRows, 'repositories' | 'incidentLinks'>
  provider: string
}> = [
  { table: 'pull_requests', key: 'pullRequests', provider: DEMO_PROVIDER },
  { table: 'commits', key: 'commits', provider: DEMO_PROVIDER },
  { table: 'deployments', key: 'deployments', provider: DEMO_PROVIDER },
  { table: 'issues', key: 'issues', provider: DEMO_PROVIDER },
  { table: 'vulnerabilities', key: 'vulnerabilities', provider: DEMO_PROVIDER },
]

/** epoch ms as the engine's datetime text, without luxon (hundreds of thousands of values) */
function momentFormatter() {
  return engine() === 'postgres'
    ? (ms: number) => new Date(ms).toISOString()
    : (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

async function insertInChunks(
  trx: TransactionClientContract,
  table: string,
  rows: Record<string, unknown>[]
) {
  if (rows.length === 0) return
  // SQLite: knex inserts many rows as one compound SELECT, at most 500
  // terms; both engines: stay under the bound-parameter limits
  const columns = Object.keys(rows[0]).length
  const size =
    engine() === 'sqlite'
      ? Math.min(400, Math.floor(20_000 / columns))
      : Math.floor(40_000 / columns)
  for (let index = 0; index < rows.length; index += size) {
    await trx.table(table).multiInsert(rows.slice(index, index + size))
  }
}

export type InsightsDemoCounts = {
  repositories: number
  pullRequests: number
  commits: number
  deployments: number
  issues: number
  vulnerabilities: number
}

/**
 * Writes the generated organisation into the domain tables of one
 * organisation, in one transaction with batched inserts: repositories are
 * upserted by external id (their ids stay stable), every row the
 * generator wrote before is replaced, and the three demo products are
 * (re)linked, other repositories of the organisation spread over them.
 * Safe to run again.
 */
export async function writeInsightsDemoData(
  organizationId: number,
  options: InsightsDemoOptions
): Promise<InsightsDemoCounts> {
  const rows = generateInsightsDemo(options, DEMO_PRODUCTS.length)
  const moment = momentFormatter()
  const now = sqlTime()
  await db.transaction(async (trx) => {
    for (let index = 0; index < rows.repositories.length; index += 500) {
      await trx
        .table('repositories')
        .multiInsert(
          rows.repositories.slice(index, index + 500).map((repository) => ({
            organization_id: organizationId,
            provider: DEMO_PROVIDER,
            external_id: repository.externalId,
            name: repository.name,
            full_name: `acme-rockets/${repository.name}`,
            url: `https://git.example.com/acme-rockets/${repository.name}`,
            default_branch: 'main',
            language: repository.language,
            created_at: now,
            updated_at: now,
          }))
        )
        .onConflict(['organization_id', 'provider', 'external_id'])
        .merge(['name', 'full_name', 'url', 'language', 'updated_at'])
    }
    const generated = await trx
      .from('repositories')
      .where('organization_id', organizationId)
      .whereLike('external_id', `${DEMO_EXTERNAL_PREFIX}%`)
      .select('id', 'external_id')
    const repositoryIds = new Map<string, number>(generated.map((row) => [row.external_id, row.id]))
    for (const source of SOURCES) {
      await trx
        .from(source.table)
        .where('organization_id', organizationId)
        .whereLike('external_id', `${DEMO_EXTERNAL_PREFIX}%`)
        .delete()
      await insertInChunks(
        trx,
        source.table,
        rows[source.key].map((row) => {
          const { repository, ...values } = row
          for (const column of Object.keys(values)) {
            if (MOMENT_COLUMNS.has(column) && typeof values[column] === 'number') {
              values[column] = moment(values[column] as number)
            }
          }
          return {
            organization_id: organizationId,
            repository_id: repositoryIds.get(repository as string),
            provider: source.provider,
            ...values,
            created_at: now,
            updated_at: now,
          }
        })
      )
    }
    await linkProducts(trx, organizationId, rows, repositoryIds)
    await linkIncidents(trx, organizationId, rows)
  })
  return {
    repositories: rows.repositories.length,
    pullRequests: rows.pullRequests.length,
    commits: rows.commits.length,
    deployments: rows.deployments.length,
    issues: rows.issues.length,
    vulnerabilities: rows.vulnerabilities.length,
  }
}

/**
 * The generated incidents' links to the pull requests that caused them,
 * as an issue key in a pull request would link them (issue_links.ts);
 * the rows the generator replaced took their old links with them.
 */
async function linkIncidents(
  trx: TransactionClientContract,
  organizationId: number,
  rows: DemoRows
) {
  const idsOf = async (table: string) => {
    const found = await trx
      .from(table)
      .where('organization_id', organizationId)
      .where('provider', DEMO_PROVIDER)
      .whereLike('external_id', `${DEMO_EXTERNAL_PREFIX}%`)
      .select('id', 'external_id')
    return new Map<string, number>(found.map((row) => [row.external_id, row.id]))
  }
  const issues = await idsOf('issues')
  const pulls = await idsOf('pull_requests')
  const links = rows.incidentLinks.flatMap((link) => {
    const issueId = issues.get(link.issue)
    const pullId = pulls.get(link.pullRequest)
    return issueId && pullId
      ? [{ organization_id: organizationId, issue_id: issueId, pull_request_id: pullId }]
      : []
  })
  await insertInChunks(trx, 'issue_pull_requests', links)
}

async function linkProducts(
  trx: TransactionClientContract,
  organizationId: number,
  rows: DemoRows,
  repositoryIds: Map<string, number>
) {
  const now = sqlTime()
  const productIds: number[] = []
  for (const name of DEMO_PRODUCTS) {
    let product = await trx
      .from('products')
      .where('organization_id', organizationId)
      .where('name', name)
      .first()
    if (!product) {
      await trx
        .table('products')
        .insert({ organization_id: organizationId, name, created_at: now, updated_at: now })
      product = await trx
        .from('products')
        .where('organization_id', organizationId)
        .where('name', name)
        .first()
    }
    productIds.push(product.id)
  }
  await trx.from('product_repositories').whereIn('product_id', productIds).delete()
  const links = rows.repositories.flatMap((repository) =>
    repository.products.map((index) => ({
      organization_id: organizationId,
      product_id: productIds[index],
      repository_id: repositoryIds.get(repository.externalId)!,
    }))
  )
  // the organisation's other repositories (the GitHub demo's) join the products too
  const others = await trx
    .from('repositories')
    .where('organization_id', organizationId)
    .whereNot('external_id', 'like', `${DEMO_EXTERNAL_PREFIX}%`)
    .orderBy('id')
    .select('id')
  others.forEach((row, index) =>
    links.push({
      organization_id: organizationId,
      product_id: productIds[index % productIds.length],
      repository_id: row.id,
    })
  )
  await insertInChunks(trx, 'product_repositories', links)
}

/**
 * The demo organisation's insights, end to end: rows, the daily rollup,
 * a score point for each of the last `scoreDays` days (when reference
 * data is present), and no stale cache.
 */
export async function populateInsightsDemoData(
  organizationId: number,
  options: InsightsDemoOptions & { scoreDays?: number }
) {
  const counts = await writeInsightsDemoData(organizationId, options)
  await new RollUpMetrics().execute({ organizationId })
  const last = today(options.now === undefined ? undefined : DateTime.fromMillis(options.now))
  let scorePoints = 0
  for (let back = (options.scoreDays ?? 1) - 1; back >= 0; back--) {
    const day = addDays(last, -back)
    const scored = await new CalculateScores().execute({ organizationId, day })
    scorePoints += scored.points
  }
  await invalidateInsights(organizationId)
  return { ...counts, scorePoints }
}

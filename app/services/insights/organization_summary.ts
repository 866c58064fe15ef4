import db from '@adonisjs/lucid/services/db'
import { daysInRange, selectRows } from '#services/insights/dialect'
import { ROLLUP_COLUMNS, type RollupSums } from '#services/insights/rollup_sql'
import {
  durationCounts,
  percentilesOfScopes,
  type WantedPercentiles,
} from '#services/insights/ranked_percentiles'
import { addSums, emptySums, summaryFromSums, sumsFrom } from '#services/insights/summary_math'
import type { InsightScope, MetricSummary, ProductMetrics } from '#services/insights/types'
import { publicIds } from '#services/public_id'

const sumList = ROLLUP_COLUMNS.map((column) => `COALESCE(SUM(m.${column}), 0) AS ${column}`).join(
  ', '
)

/**
 * The KPIs of the organisation and of each of its products (by name), as
 * summarizeMetrics and summarizeByProduct give them, in three statements
 * instead of four (calculate:scores, issue #24):
 *
 * 1. the window's sums per repository, one pass over the daily rows
 *    (each repository's (organization_id, repository_id, day) range, so
 *    the pass follows the window, not the history), plus the rows of no
 *    repository; the organisation's sums add them all, a product's the
 *    rows of its repositories (the products' own pass read the same rows
 *    a second time);
 * 2. the products and their repositories;
 * 3. the percentiles of every scope in one UNION ALL, each scope's
 *    counts taken from its sums (DURATION_COUNT_COLUMNS).
 */
export async function summarizeOrganizationWithProducts(
  scope: Omit<InsightScope, 'productId' | 'repositoryId'>,
  wanted: WantedPercentiles = {}
): Promise<{
  organization: MetricSummary
  products: ProductMetrics[]
  /** each product's repositories, in the order of `products` */
  productRepositories: number[][]
}> {
  const { organizationId, from, to } = scope
  // CROSS JOIN keeps SQLite's join order (repositories first, then each
  // one's day range); PostgreSQL plans it as any inner join
  const result = await db.rawQuery(
    `SELECT r.id AS repository_id, ${sumList}
     FROM repositories r CROSS JOIN insight_daily_metrics m
     WHERE r.organization_id = ? AND m.organization_id = r.organization_id AND m.repository_id = r.id
       AND m.day BETWEEN ? AND ?
     GROUP BY r.id
     UNION ALL
     SELECT NULL AS repository_id, ${sumList}
     FROM insight_daily_metrics m
     WHERE m.organization_id = ? AND m.repository_id IS NULL AND m.day BETWEEN ? AND ?`,
    [organizationId, from, to, organizationId, from, to]
  )
  const organizationSums = emptySums()
  const byRepository = new Map<number, RollupSums>()
  for (const row of selectRows(result)) {
    const sums = sumsFrom(row)
    addSums(organizationSums, sums)
    if (row.repository_id !== null) byRepository.set(Number(row.repository_id), sums)
  }

  const products = await productRepositories(organizationId)
  const productSums = products.map((product) => {
    const sums = emptySums()
    for (const repositoryId of product.repositoryIds) {
      const repository = byRepository.get(repositoryId)
      if (repository) addSums(sums, repository)
    }
    return sums
  })

  const [organizationPercentiles, ...productPercentiles] = await percentilesOfScopes(
    [scope, ...products.map((product) => ({ ...scope, productId: product.productId }))],
    wanted,
    [organizationSums, ...productSums].map(durationCounts)
  )
  const days = daysInRange(from, to)
  const codec = publicIds('product')
  return {
    organization: summaryFromSums(organizationSums, days, organizationPercentiles),
    products: products.map((product, index) => ({
      productId: product.productId,
      publicId: codec.encode(product.productId),
      name: product.name,
      repositoryCount: product.repositoryIds.length,
      sharedRepositoryCount: product.sharedRepositoryCount,
      summary: summaryFromSums(productSums[index], days, productPercentiles[index]),
    })),
    productRepositories: products.map((product) => product.repositoryIds),
  }
}

/** the organisation's products by name, each with its repositories and how many another product shares (one query) */
async function productRepositories(organizationId: number) {
  const result = await db.rawQuery(
    `SELECT p.id AS product_id, p.name AS name, pr.repository_id AS repository_id
     FROM products p
     LEFT JOIN product_repositories pr ON pr.product_id = p.id AND pr.organization_id = p.organization_id
     WHERE p.organization_id = ?
     ORDER BY p.name, p.id`,
    [organizationId]
  )
  const products: Array<{ productId: number; name: string; repositoryIds: number[] }> = []
  const productsOf = new Map<number, number>()
  for (const row of selectRows(result)) {
    const productId = Number(row.product_id)
    let product = products.at(-1)
    if (product?.productId !== productId) {
      product = { productId, name: String(row.name), repositoryIds: [] }
      products.push(product)
    }
    if (row.repository_id === null) continue
    const repositoryId = Number(row.repository_id)
    product.repositoryIds.push(repositoryId)
    productsOf.set(repositoryId, (productsOf.get(repositoryId) ?? 0) + 1)
  }
  return products.map((product) => ({
    ...product,
    sharedRepositoryCount: product.repositoryIds.filter((id) => (productsOf.get(id) ?? 0) > 1)
      .length,
  }))
}

import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { writeInsightsDemoData } from '#actions/demo/insights_demo_data'
import {
  lastDays,
  summarizeByProduct,
  summarizeMetrics,
  vulnerabilityOverview,
  vulnerabilityOverviews,
} from '#services/insights/metrics'
import { summarizeOrganizationWithProducts } from '#services/insights/organization_summary'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { insertIssue, insertProduct, insertRepository } from '#tests/helpers/insights'

/**
 * calculate:scores reads the organisation's and its products' KPIs in
 * one pass over the daily rows (organization_summary.ts): they must be
 * the figures summarizeMetrics and summarizeByProduct give each scope,
 * percentiles included, and never another organisation's; the same for
 * the open vulnerabilities (one query grouped by repository).
 */
async function demoOrganization(seed: number) {
  const organization = await createOrganization()
  await writeInsightsDemoData(organization.id, {
    repositories: 6,
    pullRequests: 300,
    months: 2,
    seed,
  })
  return organization.id
}

const window = () => lastDays(60)

test.group('Insights / the organisation and its products in one pass', (group) => {
  group.each.setup(resetDatabase)

  test('gives the summaries of the organisation and of each product, percentiles included', async ({
    assert,
  }) => {
    const organizationId = await demoOrganization(3)
    const repositories = await db
      .from('repositories')
      .where('organization_id', organizationId)
      .orderBy('id')
      .select('id')
    // one repository in two products, a product without repositories, an issue of no repository
    await insertProduct(organizationId, 'Shared', [repositories[0].id])
    await insertProduct(organizationId, 'Empty', [])
    const yesterday = lastDays(2).from
    await insertIssue(organizationId, null, {
      opened: `${yesterday} 09:00`,
      resolved: `${yesterday} 11:00`,
      type: 'incident',
    })
    await new RollUpMetrics().execute({ organizationId })
    const scope = { organizationId, ...window() }

    const together = await summarizeOrganizationWithProducts(scope)

    assert.deepEqual(together.organization, await summarizeMetrics(scope))
    assert.deepEqual(together.products, await summarizeByProduct(scope))
    assert.isAbove(together.organization.percentiles.cycle.count, 0)
    assert.isAbove(together.organization.percentiles.restore.count, 0)
    assert.isAbove(together.products.length, 2)
    assert.isTrue(together.products.some((product) => product.sharedRepositoryCount > 0))
  })

  test('gives the open vulnerabilities of the organisation and of each product', async ({
    assert,
  }) => {
    const organizationId = await demoOrganization(3)
    const scope = { organizationId, ...window() }
    const { products, productRepositories } = await summarizeOrganizationWithProducts(scope)

    const together = await vulnerabilityOverviews(scope, productRepositories)

    assert.isAbove(together.organization.total, 0)
    assert.deepEqual(together.organization, await vulnerabilityOverview(scope))
    assert.lengthOf(together.groups, products.length)
    for (const [index, product] of products.entries()) {
      const alone = await vulnerabilityOverview({ ...scope, productId: product.productId })
      assert.deepEqual(together.groups[index], alone, product.name)
    }
  })

  test("another organisation's rows never count", async ({ assert }) => {
    const organizationId = await demoOrganization(3)
    await new RollUpMetrics().execute({ organizationId })
    const scope = { organizationId, ...window() }
    const alone = await summarizeOrganizationWithProducts(scope)
    const vulnerabilities = await vulnerabilityOverviews(scope, alone.productRepositories)

    const otherId = await demoOrganization(4)
    const otherRepository = await insertRepository(otherId, 'elsewhere')
    await insertProduct(otherId, 'Theirs', [otherRepository])
    await new RollUpMetrics().execute({ organizationId: otherId })

    assert.deepEqual(await summarizeOrganizationWithProducts(scope), alone)
    assert.deepEqual(
      await vulnerabilityOverviews(scope, alone.productRepositories),
      vulnerabilities
    )
  })
})

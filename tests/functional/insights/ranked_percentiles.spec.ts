import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { engine, selectRows } from '#services/insights/dialect'
import { percentilesOf } from '#services/insights/percentiles'
import { percentilesInDatabase, percentilesOfScopes } from '#services/insights/ranked_percentiles'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { insertProduct, insertRepository } from '#tests/helpers/insights'

/**
 * Percentiles computed by the database (ranked_percentiles.ts) are the
 * figures the pages have always shown: the same interpolation as
 * percentile() over every duration read into JavaScript, fenced to the
 * organisation, its window and a product's repositories.
 */
const WINDOW = { from: '2026-03-02', to: '2026-03-08' }

type Duration = { repositoryId: number | null; day: string; metric: string; seconds: number }

async function insertDurations(organizationId: number, durations: Duration[]) {
  for (let index = 0; index < durations.length; index += 200) {
    await db.table('insight_durations').multiInsert(
      durations.slice(index, index + 200).map((one) => ({
        organization_id: organizationId,
        repository_id: one.repositoryId,
        day: one.day,
        metric: one.metric,
        seconds: one.seconds,
      }))
    )
  }
}

/** a deterministic spread of durations with ties, some outside the window */
function spread(repositoryIds: Array<number | null>, metric: string, count: number, shift = 0) {
  const days = [
    '2026-03-01',
    ...Array.from({ length: 7 }, (_, i) => `2026-03-0${i + 2}`),
    '2026-03-09',
  ]
  return Array.from({ length: count }, (_, index) => ({
    repositoryId: repositoryIds[index % repositoryIds.length],
    day: days[(index * 7) % days.length],
    metric,
    // ties every 13 values, fractions, one hour to a few days
    seconds: shift + 3600 + ((index * 7919) % 13) * 5400 + (index % 5) * 0.25 * 3600,
  }))
}

function expected(durations: Duration[], metric: string, keep: (one: Duration) => boolean) {
  return percentilesOf(
    durations
      .filter((one) => one.metric === metric && one.day >= WINDOW.from && one.day <= WINDOW.to)
      .filter(keep)
      .map((one) => one.seconds)
  )
}

test.group('Insights data / percentiles computed by the database', (group) => {
  group.each.setup(resetDatabase)

  test('median, p75 and p90 equal the interpolated percentiles of every duration in the window', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const first = await insertRepository(organization.id, 'api')
    const second = await insertRepository(organization.id, 'web')
    const durations = [
      ...spread([first, second, null], 'cycle', 101),
      ...spread([first], 'review', 40),
      ...spread([second], 'restore', 2),
    ]
    await insertDurations(organization.id, durations)

    const computed = await percentilesInDatabase({ organizationId: organization.id, ...WINDOW })

    for (const metric of ['cycle', 'review', 'restore'] as const) {
      const want = expected(durations, metric, () => true)
      assert.isAbove(want.count, 0)
      assert.deepEqual(computed[metric], want, metric)
    }
    assert.deepEqual(computed.lead_time, { count: 0, median: null, p75: null, p90: null })
  })

  test('one duration is its own median and percentiles', async ({ assert }) => {
    const organization = await createOrganization()
    const repository = await insertRepository(organization.id, 'api')
    await insertDurations(organization.id, [
      { repositoryId: repository, day: '2026-03-04', metric: 'deploy', seconds: 7200 },
    ])
    const computed = await percentilesInDatabase({ organizationId: organization.id, ...WINDOW })
    assert.deepEqual(computed.deploy, { count: 1, median: 2, p75: 2, p90: 2 })
  })

  test("another organisation's durations never count", async ({ assert }) => {
    const organization = await createOrganization()
    const other = await createOrganization()
    const ours = await insertRepository(organization.id, 'api')
    const theirs = await insertRepository(other.id, 'api')
    const durations = spread([ours], 'cycle', 31)
    await insertDurations(organization.id, durations)
    // shorter durations of the other organisation would pull every rank down
    await insertDurations(other.id, spread([theirs], 'cycle', 57, -3000))

    const computed = await percentilesInDatabase({ organizationId: organization.id, ...WINDOW })

    assert.deepEqual(
      computed.cycle,
      expected(durations, 'cycle', () => true)
    )
  })

  test("a product's percentiles read its repositories' durations only", async ({ assert }) => {
    const organization = await createOrganization()
    const inside = await insertRepository(organization.id, 'api')
    const outside = await insertRepository(organization.id, 'web')
    const productId = await insertProduct(organization.id, 'Payments', [inside])
    const durations = [
      ...spread([inside], 'cycle', 23),
      ...spread([outside, null], 'cycle', 40, -3000),
    ]
    await insertDurations(organization.id, durations)

    const computed = await percentilesInDatabase({
      organizationId: organization.id,
      productId,
      ...WINDOW,
    })

    assert.deepEqual(
      computed.cycle,
      expected(durations, 'cycle', (one) => one.repositoryId === inside)
    )
  })

  test("several products at once: each gets its own repositories' percentiles, in order", async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const api = await insertRepository(organization.id, 'api')
    const web = await insertRepository(organization.id, 'web')
    const payments = await insertProduct(organization.id, 'Payments', [api])
    const storefront = await insertProduct(organization.id, 'Storefront', [web, api])
    const durations = [...spread([api], 'review', 17), ...spread([web], 'review', 30, 900)]
    await insertDurations(organization.id, durations)

    const [first, second] = await percentilesOfScopes([
      { organizationId: organization.id, productId: payments, ...WINDOW },
      { organizationId: organization.id, productId: storefront, ...WINDOW },
    ])

    assert.deepEqual(
      first.review,
      expected(durations, 'review', (one) => one.repositoryId === api)
    )
    assert.deepEqual(
      second.review,
      expected(durations, 'review', () => true)
    )
  })

  test('asked for some medians only, the rest is left out but every count is there', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const repository = await insertRepository(organization.id, 'api')
    const durations = [
      ...spread([repository], 'first_review', 12),
      ...spread([repository], 'pickup', 9),
    ]
    await insertDurations(organization.id, durations)

    const computed = await percentilesInDatabase(
      { organizationId: organization.id, ...WINDOW },
      { percentiles: ['median'], metrics: ['first_review'] }
    )

    const want = expected(durations, 'first_review', () => true)
    assert.deepEqual(computed.first_review, {
      count: want.count,
      median: want.median,
      p75: null,
      p90: null,
    })
    assert.deepEqual(computed.pickup, {
      count: expected(durations, 'pickup', () => true).count,
      median: null,
      p75: null,
      p90: null,
    })
  })

  test('a rank is found by walking the (organisation, metric, seconds) index', async ({
    assert,
  }) => {
    const sql = `SELECT m.seconds FROM insight_durations m ${engine() === 'sqlite' ? 'INDEXED BY insight_durations_rank_index' : ''}
      WHERE m.organization_id = ? AND m.metric = ? AND m.day BETWEEN ? AND ?
      ORDER BY m.seconds LIMIT 2 OFFSET 10`
    const bindings = [1, 'cycle', WINDOW.from, WINDOW.to]
    if (engine() === 'postgres') {
      // an empty table is scanned whatever the indexes: ask for the index plan
      await db.transaction(async (trx) => {
        await trx.rawQuery('SET LOCAL enable_seqscan = off')
        const plan = selectRows<Record<string, string>>(
          await trx.rawQuery(`EXPLAIN ${sql}`, bindings)
        ).map((row) => row['QUERY PLAN'])
        assert.match(plan.join('\n'), /insight_durations_rank_index/)
        assert.notMatch(plan.join('\n'), /Sort/)
      })
      return
    }
    const plan = selectRows<{ detail: string }>(
      await db.rawQuery(`EXPLAIN QUERY PLAN ${sql}`, bindings)
    ).map((row) => row.detail)
    assert.include(plan.join('\n'), 'USING COVERING INDEX insight_durations_rank_index')
    assert.notInclude(plan.join('\n'), 'TEMP B-TREE')
  })
})

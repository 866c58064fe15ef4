import { readFile } from 'node:fs/promises'
import { test } from '@japa/runner'
import { emptyPercentiles, percentile, percentilesOf } from '#services/insights/percentiles'
import { summaryFromSums, emptySums } from '#services/insights/summary_math'
import { EXECUTIVE_KPIS, kpiCards } from '#services/insights_pages/kpis'

test.group('Insights | percentiles', () => {
  test('percentiles interpolate between the two closest ranks', ({ assert }) => {
    // 1, 2, 3, 4: the median sits halfway between 2 and 3; p90 at rank 2.7 → 3.7
    assert.equal(percentile([1, 2, 3, 4], 0.5), 2.5)
    assert.closeTo(percentile([1, 2, 3, 4], 0.9)!, 3.7, 1e-9)
    assert.equal(percentile([7], 0.75), 7)
    assert.isNull(percentile([], 0.5))
  })

  test('durations in seconds become hours, sorted whatever their order', ({ assert }) => {
    // 1 h, 2 h, 3 h, 10 h unsorted: median 2.5 h, p75 at rank 2.25 → 4.75 h, p90 at 2.7 → 7.9 h
    assert.deepEqual(percentilesOf([36_000, 3600, 10_800, 7200]), {
      count: 4,
      median: 2.5,
      p75: 4.8,
      p90: 7.9,
    })
  })
})

function weekOf(merged: number, deployments: number) {
  const sums = emptySums()
  sums.prs_merged = merged
  sums.deployments = deployments
  return summaryFromSums(sums, 7, emptyPercentiles())
}

test.group('Insights | comparisons with the previous period', () => {
  test('a previous period with too few events shows "not enough data", not a percentage', ({
    assert,
  }) => {
    // 2 deployments before, 40 now: +1,900% is noise, not a trend
    const cards = kpiCards(EXECUTIVE_KPIS, weekOf(40, 40), weekOf(40, 2), [], 7)
    const deploys = cards.find((card) => card.key === 'deploy_frequency')!
    assert.isNull(deploys.delta)
    assert.equal(deploys.deltaNote, 'not enough data')
    const throughput = cards.find((card) => card.key === 'throughput')!
    assert.equal(throughput.delta, '±0%')
  })

  test('a previous period the data does not wholly cover is not compared with', ({ assert }) => {
    const cards = kpiCards(EXECUTIVE_KPIS, weekOf(40, 40), weekOf(10, 10), [], 7, {
      previousDaysWithData: 1,
    })
    assert.isTrue(cards.every((card) => card.delta === null))
    assert.equal(cards.find((card) => card.key === 'throughput')!.deltaNote, 'not enough data')
  })

  test('a range under a week shows counts, not a weekly extrapolation', ({ assert }) => {
    const sums = emptySums()
    sums.prs_merged = 5
    const oneDay = summaryFromSums(sums, 1)
    const cards = kpiCards(EXECUTIVE_KPIS, oneDay, weekOf(0, 0), [], 1)
    const throughput = cards.find((card) => card.key === 'throughput')!
    // 5 merged in one day would read as 35 a week
    assert.equal(throughput.value, '5 in 1 day')
    assert.isNull(throughput.delta)
    assert.equal(throughput.deltaNote, 'under a week')
  })

  test('every card’s definition is the one docs/insights.md gives', async ({ assert }) => {
    const docs = (await readFile('docs/insights.md', 'utf8')).replace(/\s+/g, ' ')
    for (const definition of EXECUTIVE_KPIS) {
      assert.include(docs, definition.definition, definition.key)
    }
  })
})

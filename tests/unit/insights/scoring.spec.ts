import { test } from '@japa/runner'
import { combineScores, percentileScore } from '#services/insights/scores'
import { summaryFromSums, emptySums } from '#services/insights/summary_math'

test.group('Insights scoring', () => {
  test('a lower-is-better value scores the share of references it beats', ({ assert }) => {
    // beats 30 and 40 of [10, 20, 30, 40]
    assert.equal(percentileScore(25, [10, 20, 30, 40], 'lower'), 50)
    assert.equal(percentileScore(5, [10, 20, 30, 40], 'lower'), 100)
    assert.equal(percentileScore(45, [10, 20, 30, 40], 'lower'), 0)
  })

  test('a higher-is-better value beats the smaller references', ({ assert }) => {
    assert.equal(percentileScore(25, [10, 20, 30, 40], 'higher'), 50)
    assert.equal(percentileScore(35, [10, 20, 30, 40], 'higher'), 75)
  })

  test('ties count half', ({ assert }) => {
    // beats 30 and 40, ties 20: (2 + 0.5) / 4 = 62.5, rounded half up
    assert.equal(percentileScore(20, [10, 20, 30, 40], 'lower'), 63)
    // the only reference, tied: 0.5 / 1
    assert.equal(percentileScore(7, [7], 'higher'), 50)
  })

  test('no reference values, no score', ({ assert }) => {
    assert.isNull(percentileScore(10, [], 'lower'))
  })

  test('the combined score is the weighted mean of the metric scores', ({ assert }) => {
    // (80 × 2 + 50 × 1 + 20 × 1) / 4 = 57.5
    assert.equal(
      combineScores([
        { score: 80, weight: 2 },
        { score: 50, weight: 1 },
        { score: 20, weight: 1 },
      ]),
      58
    )
    assert.isNull(combineScores([]))
    assert.isNull(combineScores([{ score: 90, weight: 0 }]))
  })

  test('means and rates come from sums and counts; empty ranges give null, not zero', ({
    assert,
  }) => {
    const sums = emptySums()
    sums.prs_merged = 6
    sums.coding_seconds = 3 * 7200
    sums.coding_count = 3
    sums.cycle_seconds = 3 * 10_800
    sums.cycle_count = 3
    sums.deployments = 4
    sums.failed_deployments = 1
    const summary = summaryFromSums(sums, 14)
    assert.equal(summary.cycleTime.codingHours, 2)
    // the total is the cycles' own mean, not a sum of phase means
    assert.equal(summary.cycleTime.totalHours, 3)
    assert.isNull(summary.cycleTime.pickupHours)
    assert.equal(summary.throughputPerWeek, 3)
    assert.equal(summary.deploymentFrequencyPerWeek, 2)
    assert.equal(summary.changeFailureRate, 25)
    assert.isNull(summary.bugRate)
    assert.isNull(summary.aiShare)
  })
})

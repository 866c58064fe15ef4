import { test } from '@japa/runner'
import { anomalousRuns, robustZ, scoreDays } from '#services/insights/anomalies'

function series(days: Record<string, number>) {
  return new Map(Object.entries(days))
}

/** eight Mondays of `usual`, then a Monday of `value` (2026-01-05 is a Monday) */
function mondays(usual: number[], value: number) {
  const entries: Record<string, number> = {}
  usual.forEach((entry, index) => {
    const date = new Date(Date.UTC(2026, 0, 5 + 7 * index))
    entries[date.toISOString().slice(0, 10)] = entry
  })
  entries['2026-03-02'] = value
  return series(entries)
}

test.group('Anomalies | robust z-score', () => {
  test('the median and MAD make one wild earlier week harmless', ({ assert }) => {
    const { z, expected } = robustZ(10, [10, 11, 9, 10, 10, 80, 10, 11])
    assert.equal(expected, 10)
    assert.isBelow(Math.abs(z), 1)
  })

  test('a steady baseline still scores a change by a tenth of its median, not infinitely', ({
    assert,
  }) => {
    assert.closeTo(robustZ(3, [6, 6, 6, 6]).z, -5, 1e-9)
    assert.closeTo(robustZ(0, [0, 0, 0, 0]).z, 0, 1e-9)
    assert.closeTo(robustZ(2, [0, 0, 0, 0]).z, 4, 1e-9)
  })
})

test.group('Anomalies | days and runs', () => {
  test('a day is compared with the same weekday only', ({ assert }) => {
    // Mondays always 10; the Sunday before the judged Monday is 0, as every Sunday
    const scores = scoreDays(mondays([10, 10, 10, 10, 10, 10, 10, 10], 10), {
      from: '2026-03-01',
      to: '2026-03-02',
      firstDay: '2026-01-04',
    })
    assert.deepEqual(
      scores.map((score) => [score.day, score.z]),
      [
        ['2026-03-01', 0],
        ['2026-03-02', 0],
      ]
    )
  })

  test('fewer than four earlier weeks: the day is not judged', ({ assert }) => {
    const scores = scoreDays(mondays([10, 10, 10, 10, 10, 10, 10, 10], 1), {
      from: '2026-03-02',
      to: '2026-03-02',
      firstDay: '2026-02-03',
    })
    assert.deepEqual(scores, [])
  })

  test('consecutive days in one direction make one run; a change of direction starts another', ({
    assert,
  }) => {
    const day = (d: string, z: number) => ({ day: d, value: 0, expected: 0, z })
    const runs = anomalousRuns('deployments', [
      day('2026-03-02', -5),
      day('2026-03-03', -4),
      day('2026-03-04', 0),
      day('2026-03-05', 6),
      day('2026-03-06', -6),
    ])
    assert.deepEqual(
      runs.map((run) => [run.from, run.to, run.direction, run.score]),
      [
        ['2026-03-02', '2026-03-03', 'down', 5],
        ['2026-03-05', '2026-03-05', 'up', 6],
        ['2026-03-06', '2026-03-06', 'down', 6],
      ]
    )
  })
})

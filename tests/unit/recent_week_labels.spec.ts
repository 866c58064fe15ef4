import { test } from '@japa/runner'
import { recentWeekLabels, recentWeeks } from '#services/agreements/adherence'

test.group('Agreements | recent week labels', () => {
  test('a new week shows from the first moment of its Monday (UTC)', ({ assert }) => {
    const sunday = recentWeekLabels(new Date('2026-03-08T23:59:59Z'), 8)

    const monday = recentWeekLabels(new Date('2026-03-09T00:00:00Z'), 8)

    assert.equal(sunday.at(-1), '2026-W10')
    assert.equal(monday.at(-1), '2026-W11')
    assert.deepEqual(
      monday,
      recentWeeks(new Date('2026-03-09T00:00:00Z'), 8).map((week) => week.label)
    )
  })

  test('as many weeks as asked for, each time', ({ assert }) => {
    const now = new Date('2026-03-10T12:00:00Z')
    assert.lengthOf(recentWeekLabels(now, 8), 8)
    assert.lengthOf(recentWeekLabels(now, 2), 2)
  })
})

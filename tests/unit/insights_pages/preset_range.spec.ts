import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { presetRange } from '#services/insights_pages/date_range'

test.group('Insights pages | preset ranges', () => {
  test('count back from the day asked for, which moves at midnight in its zone', ({ assert }) => {
    const evening = DateTime.fromISO('2026-03-08T23:59:59', { zone: 'Europe/Paris' })
    const night = DateTime.fromISO('2026-03-09T00:00:00', { zone: 'Europe/Paris' })

    assert.equal(presetRange('30', evening).to, '2026-03-08')
    assert.equal(presetRange('30', night).to, '2026-03-09')
    assert.equal(presetRange('30', night).from, '2026-02-08')
  })

  test('a range changed by its caller leaves the next one as it was', ({ assert }) => {
    const today = DateTime.fromISO('2026-03-09T10:00:00', { zone: 'utc' })
    const first = presetRange('30', today)
    first.from = '1999-01-01'
    first.previous.to = '1999-01-01'

    const second = presetRange('30', today)

    assert.equal(second.from, '2026-02-08')
    assert.equal(second.previous.to, '2026-02-07')
  })
})

import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { plural } from '#services/plural'
import { relativeTime } from '#start/view'

test.group('Copy | plurals and relative times', () => {
  test('counts take the English plural rule, never "(s)"', ({ assert }) => {
    assert.equal(plural(1, 'organisation'), '1 organisation')
    assert.equal(plural(0, 'organisation'), '0 organisations')
    assert.equal(plural(3, 'entry', 'entries'), '3 entries')
    assert.equal(plural(1200, 'row'), '1,200 rows')
  })

  test('a 7-day invitation created a moment ago expires "in 7 days", not 6', ({ assert }) => {
    const now = Date.now()
    const expires = DateTime.fromMillis(now + 7 * 86_400_000 - 2_000)
    assert.equal(relativeTime(expires, now), 'in 7 days')
  })

  test('times round to the nearest unit, past and future', ({ assert }) => {
    const now = Date.now()
    assert.equal(relativeTime(DateTime.fromMillis(now - 10_000), now), 'just now')
    assert.equal(relativeTime(DateTime.fromMillis(now - 100 * 60_000), now), '2 hours ago')
    assert.equal(relativeTime(DateTime.fromMillis(now - 60 * 60_000), now), '1 hour ago')
    assert.equal(relativeTime(DateTime.fromMillis(now + 3 * 60_000), now), 'in 3 minutes')
  })
})

import { test } from '@japa/runner'
import cache from '@adonisjs/cache/services/main'
import { resetDatabase } from '#tests/helpers/database'
import { runAce } from '#tests/helpers/processes'

test.group('Insights data / clear_cache (the old name of cache:clear)', (group) => {
  group.each.setup(resetDatabase)

  test('node ace clear_cache empties the default store, as cache:clear does', async ({
    assert,
  }) => {
    await cache.set({
      key: 'insights:1:summary',
      value: { cycleTime: 40 },
      tags: ['insights:org:1'],
    })
    await cache.set({ key: 'noa:answer', value: 'cached' })
    assert.deepEqual(await cache.get({ key: 'insights:1:summary' }), { cycleTime: 40 })

    const result = await runAce(['clear_cache'])
    assert.equal(result.code, 0, result.stderr)
    assert.include(result.stdout, 'Cleared "database" cache successfully')
    assert.isUndefined(await cache.get({ key: 'insights:1:summary' }))
    assert.isUndefined(await cache.get({ key: 'noa:answer' }))
  }).timeout(60_000)

  test('node ace list shows clear_cache as the old name; cache:clear stays the one of @adonisjs/cache', async ({
    assert,
  }) => {
    const result = await runAce(['list'])
    assert.equal(result.code, 0, result.stderr)
    // descriptions wrap at the terminal width
    const listing = result.stdout.replace(/\s+/g, ' ')
    assert.include(
      listing,
      ' clear_cache Old name of cache:clear: clear the application cache (default store) '
    )
    assert.include(listing, ' cache:clear Clear the application cache ')
  }).timeout(60_000)
})

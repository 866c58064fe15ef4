import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { cacheKey, DatabaseConditionalCache } from '#services/http/conditional_cache'
import { parseLinkHeader } from '#services/http/link_header'

test.group('Link header', () => {
  test('each relation maps to its URL', ({ assert }) => {
    const header =
      '<https://api.github.com/repositories/1/issues?page=2>; rel="next", ' +
      '<https://api.github.com/repositories/1/issues?page=5>; rel="last"'
    assert.deepEqual(parseLinkHeader(header), {
      next: 'https://api.github.com/repositories/1/issues?page=2',
      last: 'https://api.github.com/repositories/1/issues?page=5',
    })
  })

  test('a missing or empty header has no links', ({ assert }) => {
    assert.deepEqual(parseLinkHeader(undefined), {})
    assert.deepEqual(parseLinkHeader(''), {})
  })

  test('URLs containing commas and unquoted relations are parsed', ({ assert }) => {
    const header = '</items?ids=1,2;page=2>; rel=next, </items?page=1>; rel="prev first"'
    assert.deepEqual(parseLinkHeader(header), {
      next: '/items?ids=1,2;page=2',
      prev: '/items?page=1',
      first: '/items?page=1',
    })
  })
})

test.group('Conditional cache', () => {
  test('the cache key differs between credentials', ({ assert }) => {
    const url = 'https://api.example.com/repos'
    assert.notEqual(cacheKey('token-a', 'GET', url), cacheKey('token-b', 'GET', url))
    assert.match(cacheKey('token-a', 'GET', url), /^[0-9a-f]{64}$/)
  })

  test('the database cache returns what was stored, and replaces it on update', async ({
    assert,
    cleanup,
  }) => {
    const cache = new DatabaseConditionalCache()
    const key = cacheKey('spec', 'GET', `https://example.test/${Date.now()}`)
    cleanup(async () => {
      await db.from('http_cache').where('cache_key', key).delete()
    })
    const entry = {
      etag: '"v1"',
      lastModified: null,
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    }
    await cache.put(key, entry)
    await cache.put(key, { ...entry, etag: '"v2"', body: '{"a":2}' })
    assert.deepEqual(await cache.get(key), { ...entry, etag: '"v2"', body: '{"a":2}' })
  })
})

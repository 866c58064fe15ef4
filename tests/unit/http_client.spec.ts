import { test } from '@japa/runner'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  BudgetExhaustedError,
  HttpClient,
  HttpError,
  HttpTimeoutError,
  RateLimitedError,
  type HttpClientOptions,
} from '#services/http/client'
import { MemoryConditionalCache } from '#services/http/conditional_cache'

/**
 * A fake provider API. Each test passes its own `id` in the query so the
 * per-route counters of one test never leak into another.
 */
let server: Server
let origin: string
const hits = new Map<string, number>()
const inFlight = new Map<string, { now: number; max: number }>()
const seenIfNoneMatch: Array<string | undefined> = []

function countHit(route: string, id: string | null) {
  const key = `${route}:${id}`
  const count = (hits.get(key) ?? 0) + 1
  hits.set(key, count)
  return count
}

function hitsOf(route: string, id: string) {
  return hits.get(`${route}:${id}`) ?? 0
}

function sendJson(response: ServerResponse, status: number, data: unknown, headers = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers })
  response.end(JSON.stringify(data))
}

function handle(request: IncomingMessage, response: ServerResponse) {
  const url = new URL(request.url ?? '/', origin)
  const id = url.searchParams.get('id')
  const hit = countHit(url.pathname, id)
  switch (url.pathname) {
    case '/api/pages': {
      const page = Number(url.searchParams.get('page') ?? 1)
      // Page 1 links absolutely, page 2 relatively: providers do both.
      const next =
        page === 1
          ? `<${origin}/api/pages?page=2&per_page=2>; rel="next"`
          : '</api/pages?page=3&per_page=2>; rel="next"'
      const link = page < 3 ? `${next}, <${origin}/api/pages?page=3>; rel="last"` : ''
      return sendJson(response, 200, [{ page }], link ? { link } : {})
    }
    case '/api/etag':
      seenIfNoneMatch.push(request.headers['if-none-match'])
      if (request.headers['if-none-match'] === '"v1"') {
        response.writeHead(304, { etag: '"v1"' })
        return response.end()
      }
      return sendJson(response, 200, { version: 1 }, { etag: '"v1"' })
    case '/api/flaky':
      return hit <= 2 ? sendJson(response, 503, { message: 'busy' }) : sendJson(response, 200, {})
    case '/api/missing':
      return sendJson(response, 404, { message: 'Not Found' })
    case '/api/limited':
      if (hit === 1) return sendJson(response, 429, {}, { 'retry-after': '1' })
      return sendJson(response, 200, { ok: true })
    case '/api/limited-long':
      return sendJson(response, 429, {}, { 'retry-after': '3600' })
    case '/api/quota-exhausted': {
      const reset = Math.floor(Date.now() / 1000) + 3600
      return sendJson(response, 200, [], {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(reset),
      })
    }
    case '/api/hang':
      return // never answers
    case '/api/slow': {
      const counter = inFlight.get(id ?? '') ?? { now: 0, max: 0 }
      counter.now++
      counter.max = Math.max(counter.max, counter.now)
      inFlight.set(id ?? '', counter)
      setTimeout(() => {
        counter.now--
        sendJson(response, 200, {})
      }, 30)
      return
    }
    case '/api/echo-auth':
      return sendJson(response, 500, {
        message: `bad credentials: ${request.headers.authorization}`,
      })
    default:
      return sendJson(response, 200, { ok: true })
  }
}

let nextId = 0
function uniqueId() {
  return `t${++nextId}`
}

function client(options: Partial<HttpClientOptions> = {}) {
  return new HttpClient({ baseUrl: `${origin}/api`, retries: { baseDelayMs: 5 }, ...options })
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the request to fail')
}

test.group('HTTP client', (group) => {
  group.setup(async () => {
    server = createServer(handle)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  test('a relative path keeps the base URL path prefix', async ({ assert }) => {
    const response = await client().get<{ ok: boolean }>('/things', { query: { id: 'x' } })
    assert.equal(response.url, `${origin}/api/things?id=x`)
    assert.deepEqual(response.data, { ok: true })
  })

  test('paginate follows absolute and relative next links through every page', async ({
    assert,
  }) => {
    const pages: number[] = []
    for await (const response of client().paginate<Array<{ page: number }>>('/pages')) {
      pages.push(response.data[0].page)
    }
    assert.deepEqual(pages, [1, 2, 3])
  })

  test('a repeated GET with an ETag is answered 304 and served from the cache', async ({
    assert,
  }) => {
    const http = client({ cache: new MemoryConditionalCache(), credentialFingerprint: 'token-a' })
    const first = await http.get('/etag')
    const second = await http.get('/etag')
    assert.isFalse(first.notModified)
    assert.isTrue(second.notModified)
    assert.equal(second.status, 200)
    assert.deepEqual(second.data, first.data)
    assert.equal(http.stats.notModified, 1)
  })

  test('a response cached under one credential is not revalidated for another', async ({
    assert,
  }) => {
    const cache = new MemoryConditionalCache()
    await client({ cache, credentialFingerprint: 'token-a' }).get('/etag')
    seenIfNoneMatch.length = 0
    const response = await client({ cache, credentialFingerprint: 'token-b' }).get('/etag')
    assert.deepEqual(seenIfNoneMatch, [undefined])
    assert.isFalse(response.notModified)
  })

  test('two 503 answers are retried and the third attempt succeeds', async ({ assert }) => {
    const http = client()
    const response = await http.get('/flaky', { query: { id: uniqueId() } })
    assert.equal(response.status, 200)
    assert.equal(http.stats.retries, 2)
    assert.equal(http.stats.requests, 3)
  })

  test('a 404 raises HttpError without a retry', async ({ assert }) => {
    const id = uniqueId()
    const http = client()
    const error = await failureOf(http.get('/missing', { query: { id } }))
    assert.instanceOf(error, HttpError)
    assert.equal((error as HttpError).status, 404)
    assert.equal(hitsOf('/api/missing', id), 1)
    assert.equal(http.stats.retries, 0)
  })

  test('a 429 with Retry-After is waited out and then retried', async ({ assert }) => {
    const http = client()
    const started = Date.now()
    const response = await http.get('/limited', { query: { id: uniqueId() } })
    assert.equal(response.status, 200)
    assert.isAtLeast(Date.now() - started, 950)
    assert.equal(http.stats.rateLimitWaits, 1)
    assert.equal(http.stats.retries, 0)
  })

  test('a rate limit longer than maxRateLimitWaitMs raises RateLimitedError', async ({
    assert,
  }) => {
    const started = Date.now()
    const error = await failureOf(client({ maxRateLimitWaitMs: 1000 }).get('/limited-long'))
    assert.instanceOf(error, RateLimitedError)
    assert.isAbove((error as RateLimitedError).resetAt.getTime(), Date.now() + 3_500_000)
    assert.isBelow(Date.now() - started, 1000)
  })

  test('the rate-limit headers of each response are recorded in stats', async ({ assert }) => {
    const http = client({ maxRateLimitWaitMs: 1000 })
    await http.get('/quota-exhausted', { query: { id: uniqueId() } })
    assert.equal(http.stats.rateLimit.limit, 5000)
    assert.equal(http.stats.rateLimit.remaining, 0)
    assert.isAbove(http.stats.rateLimit.resetAt!.getTime(), Date.now())
  })

  test('after a response announces an exhausted quota the next request is held back', async ({
    assert,
  }) => {
    const id = uniqueId()
    const http = client({ maxRateLimitWaitMs: 1000 })
    await http.get('/quota-exhausted', { query: { id } })
    const error = await failureOf(http.get('/quota-exhausted', { query: { id } }))
    assert.instanceOf(error, RateLimitedError)
    assert.equal(hitsOf('/api/quota-exhausted', id), 1)
  })

  test('an endpoint that never answers raises HttpTimeoutError after every attempt', async ({
    assert,
  }) => {
    const id = uniqueId()
    const http = client({ timeoutMs: 200, retries: { attempts: 2, baseDelayMs: 5 } })
    const error = await failureOf(http.get('/hang', { query: { id } }))
    assert.instanceOf(error, HttpTimeoutError)
    assert.equal(http.stats.requests, 2)
    assert.equal(hitsOf('/api/hang', id), 2)
  })

  test('a request past the budget raises BudgetExhaustedError before sending', async ({
    assert,
  }) => {
    const id = uniqueId()
    const http = client({ budget: 2 })
    await http.get('/ok', { query: { id } })
    await http.get('/ok', { query: { id } })
    const error = await failureOf(http.get('/ok', { query: { id } }))
    assert.instanceOf(error, BudgetExhaustedError)
    assert.equal((error as BudgetExhaustedError).budget, 2)
    assert.equal(hitsOf('/api/ok', id), 2)
  })

  test('no more requests are in flight than the concurrency allows', async ({ assert }) => {
    const id = uniqueId()
    const http = client({ concurrency: 2 })
    await Promise.all(Array.from({ length: 6 }, () => http.get('/slow', { query: { id } })))
    assert.equal(inFlight.get(id)?.max, 2)
  })

  test('a token echoed in an error body is redacted from the HttpError', async ({ assert }) => {
    const token = 'sxt_live_0123456789abcdef'
    const http = client({
      headers: { Authorization: `Bearer ${token}` },
      retries: { attempts: 1 },
    })
    const error = (await failureOf(http.get('/echo-auth'))) as HttpError
    assert.instanceOf(error, HttpError)
    assert.equal(error.status, 500)
    assert.notInclude(error.message, token)
    assert.notInclude(error.body, token)
    assert.include(error.body, '[redacted]')
  })

  test('credential query parameters are redacted from error messages', async ({ assert }) => {
    const error = (await failureOf(
      client().get('/missing', { query: { access_token: 'qs-secret-value' } })
    )) as HttpError
    assert.notInclude(error.message, 'qs-secret-value')
    assert.notInclude(error.url, 'qs-secret-value')
    assert.include(error.message, 'access_token=[redacted]')
  })

  test('onRequest observes every exchange, with its status and duration', async ({ assert }) => {
    const seen: Array<{ status: number; durationMs: number }> = []
    const http = client()
    http.onRequest((info) => seen.push(info))
    await http.get('/flaky', { query: { id: uniqueId() } })
    assert.deepEqual(
      seen.map((info) => info.status),
      [503, 503, 200]
    )
    assert.isTrue(seen.every((info) => info.durationMs >= 0))
  })

  test('aborting the signal ends a pending wait at once', async ({ assert }) => {
    const controller = new AbortController()
    const http = client({ signal: controller.signal })
    const started = Date.now()
    const pending = failureOf(http.get('/limited', { query: { id: uniqueId() } }))
    setTimeout(() => controller.abort(new Error('sync cancelled')), 100)
    const error = await pending
    assert.equal(error.message, 'sync cancelled')
    assert.isBelow(Date.now() - started, 900)
  })

  test('aborting the signal cancels a request in flight at once', async ({ assert }) => {
    const controller = new AbortController()
    const http = client({ signal: controller.signal })
    const started = Date.now()
    const pending = failureOf(http.get('/hang', { query: { id: uniqueId() } }))
    setTimeout(() => controller.abort(new Error('sync cancelled')), 100)
    const error = await pending
    assert.equal(error.message, 'sync cancelled')
    assert.isBelow(Date.now() - started, 900)
    assert.equal(http.stats.retries, 0)
  })
})

import { test } from '@japa/runner'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  BudgetExhaustedError,
  HttpClient,
  PaginationError,
  type HttpClientOptions,
  type PaginateOptions,
} from '#services/http/client'
import { MemoryConditionalCache } from '#services/http/conditional_cache'
import { readPath } from '#services/http/pagination'
import {
  isPaginationStyle,
  pagedAnswer,
  PAGINATION_STYLES,
  type PaginationStyle,
} from '#tests/helpers/fake_paged_api'

/**
 * Each provider's list format on a loopback server (tests/helpers/
 * fake_paged_api.ts), walked by the client with the strategy a plugin
 * would declare for it. Seven rows, three asked per page: pages of 3, 3, 1.
 */
const ROWS = Array.from({ length: 7 }, (_, index) => ({ id: index + 1 }))
const ALL_IDS = ROWS.map((row) => row.id)

/** What a plugin declares for each provider's lists. */
const DECLARED: Record<PaginationStyle, PaginateOptions> = {
  'link-header': { strategy: { style: 'link' }, query: { per_page: 3 } },
  'bitbucket': {
    strategy: { style: 'next-url', next: 'next' },
    items: 'values',
    query: { pagelen: 3 },
  },
  'snyk': {
    strategy: { style: 'next-url', next: '/links/next' },
    items: 'data',
    query: { limit: 3 },
  },
  'azure': {
    strategy: {
      style: 'continuation-header',
      header: 'x-ms-continuationtoken',
      param: 'continuationToken',
    },
    items: 'value',
    query: { $top: 3 },
  },
  'mailchimp': {
    strategy: {
      style: 'offset',
      offsetParam: 'offset',
      limitParam: 'count',
      pageSize: 3,
      total: 'total_items',
    },
    items: 'items',
  },
  'jira-offset': {
    strategy: {
      style: 'offset',
      offsetParam: 'startAt',
      limitParam: 'maxResults',
      pageSize: 3,
      total: 'total',
      isLast: 'isLast',
    },
    items: 'values',
  },
  'jira-token': {
    strategy: {
      style: 'page-token',
      token: 'nextPageToken',
      param: 'nextPageToken',
      isLast: 'isLast',
    },
    items: 'issues',
    query: { maxResults: 3 },
  },
  'jira-search': {
    method: 'POST',
    strategy: {
      style: 'page-token',
      token: 'nextPageToken',
      param: 'nextPageToken',
      in: 'body',
      isLast: 'isLast',
    },
    items: 'issues',
    body: { jql: 'project = SX ORDER BY updated DESC', maxResults: 3 },
  },
}
const GET_STYLES = PAGINATION_STYLES.filter((style) => DECLARED[style].method !== 'POST')
const URL_STYLES: PaginationStyle[] = ['link-header', 'bitbucket', 'snyk']

type Logged = {
  run: string
  method: string
  host: string
  query: string
  ifNoneMatch?: string
  status: number
}
let server: Server
let origin: string
const log: Logged[] = []
let runs = 0

/**
 * `/<mode>/<style>?run=<id>`: `styles` answers plainly, `foreign` links
 * next pages to another origin (localhost: this same server, by another
 * name), `capped` holds at most 2 rows a page, `limited` answers the
 * run's second request 429 with Retry-After: 1. `/repeat` always names
 * the same continuation token.
 */
function startServer() {
  return createServer(async (request, response) => {
    const url = new URL(request.url!, `http://${request.headers.host}`)
    const run = url.searchParams.get('run') ?? ''
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString()) : undefined
    const [, mode, style] = url.pathname.split('/')
    const earlier = log.filter((entry) => entry.run === run).length
    let answer: { status: number; headers: Record<string, string>; body?: unknown }
    if (mode === 'repeat') {
      answer = {
        status: 200,
        headers: { 'x-ms-continuationtoken': 'same' },
        body: { value: [earlier] },
      }
    } else if (mode === 'limited' && earlier === 1) {
      answer = { status: 429, headers: { 'retry-after': '1' }, body: { message: 'slow down' } }
    } else if (isPaginationStyle(style ?? '')) {
      answer = pagedAnswer(
        style as PaginationStyle,
        { method: request.method!, url, headers: request.headers, body },
        ROWS,
        {
          maxPageSize: mode === 'capped' ? 2 : 100,
          nextOrigin: mode === 'foreign' ? origin.replace('127.0.0.1', 'localhost') : undefined,
        }
      )
    } else {
      answer = { status: 404, headers: {}, body: { message: 'Not Found' } }
    }
    log.push({
      run,
      method: request.method!,
      host: request.headers.host!,
      query: url.search,
      ifNoneMatch: request.headers['if-none-match'],
      status: answer.status,
    })
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
    response.end(answer.body === undefined ? undefined : JSON.stringify(answer.body))
  })
}

function client(options: Partial<HttpClientOptions> = {}) {
  return new HttpClient({ baseUrl: origin, retries: { baseDelayMs: 5 }, ...options })
}

/** A path of its own for one walk, so the server's log tells the walks apart. */
function route(mode: string, style: PaginationStyle | '', run = `run-${++runs}`) {
  return { run, path: `/${mode}/${style}?run=${run}` }
}

function requestsOf(run: string) {
  return log.filter((entry) => entry.run === run)
}

/** The declared options, with the run's id kept on every page's URL. */
function declared(style: PaginationStyle, run: string): PaginateOptions {
  const options = DECLARED[style]
  return { ...options, query: { ...options.query, run } }
}

async function walk(http: HttpClient, style: PaginationStyle, mode = 'styles', again?: string) {
  const { run, path } = route(mode, style, again)
  const pages: Array<{ ids: number[]; notModified: boolean }> = []
  for await (const page of http.paginate<unknown, { id: number }>(path, declared(style, run))) {
    pages.push({ ids: page.items.map((item) => item.id), notModified: page.notModified })
  }
  return { run, pages, ids: pages.flatMap((page) => page.ids) }
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a failure')
}

test.group('HTTP pagination strategies', (group) => {
  group.setup(async () => {
    server = startServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  test('{$self}: every page in order, and not one request past the last')
    .with([...PAGINATION_STYLES])
    .run(async ({ assert }, style) => {
      const { run, pages, ids } = await walk(client(), style)
      assert.deepEqual(ids, ALL_IDS)
      assert.deepEqual(
        pages.map((page) => page.ids.length),
        [3, 3, 1]
      )
      assert.lengthOf(requestsOf(run), 3)
    })

  test('{$self}: walking the list again revalidates each page and is answered 304')
    .with(GET_STYLES)
    .run(async ({ assert }, style) => {
      const http = client({ cache: new MemoryConditionalCache(), credentialFingerprint: 'token-a' })
      const first = await walk(http, style)
      // The same URLs again (the run id is part of them, hence of the cache key).
      const second = await walk(http, style, 'styles', first.run)

      assert.deepEqual(second.ids, ALL_IDS)
      assert.isTrue(second.pages.every((page) => page.notModified))
      assert.isTrue(first.pages.every((page) => !page.notModified))
      assert.equal(http.stats.notModified, 3)
      const revalidations = requestsOf(first.run).slice(3)
      assert.lengthOf(revalidations, 3)
      assert.isTrue(revalidations.every((entry) => entry.status === 304 && entry.ifNoneMatch))
    })

  test('a search taking its page token in a POST body is never sent conditionally', async ({
    assert,
  }) => {
    const http = client({ cache: new MemoryConditionalCache() })
    const first = await walk(http, 'jira-search')
    const again = await walk(http, 'jira-search', 'styles', first.run)
    assert.deepEqual(again.ids, ALL_IDS)
    assert.isTrue(again.pages.every((page) => !page.notModified))
    const requests = requestsOf(first.run)
    assert.lengthOf(requests, 6)
    assert.isTrue(requests.every((entry) => entry.method === 'POST' && !entry.ifNoneMatch))
  })

  test('{$self}: a next page on another origin is refused before any request is sent there')
    .with(URL_STYLES)
    .run(async ({ assert }, style) => {
      const { run, path } = route('foreign', style)
      const pages: unknown[] = []
      const error = await failureOf(
        (async () => {
          for await (const page of client().paginate(path, declared(style, run))) pages.push(page)
        })()
      )

      assert.instanceOf(error, PaginationError)
      assert.include(error.message, 'another origin (http://localhost:')
      assert.include(error.message, `pages are followed on ${origin} only`)
      assert.lengthOf(pages, 1)
      assert.deepEqual(
        requestsOf(run).map((entry) => entry.host),
        [origin.slice('http://'.length)]
      )
    })

  test('{$self}: aborting after the first page stops the walk with no further request')
    .with([...PAGINATION_STYLES])
    .run(async ({ assert }, style) => {
      const controller = new AbortController()
      const { run, path } = route('styles', style)
      const pages = client({ signal: controller.signal }).paginate(path, declared(style, run))

      assert.isFalse((await pages.next()).done)
      controller.abort(new Error('sync cancelled'))
      const error = await failureOf(pages.next())

      assert.equal(error.message, 'sync cancelled')
      assert.lengthOf(requestsOf(run), 1)
    })

  test('{$self}: every page counts toward the request budget')
    .with([...PAGINATION_STYLES])
    .run(async ({ assert }, style) => {
      const http = client({ budget: 2 })
      const { run, path } = route('styles', style)
      const seen: unknown[] = []
      const error = await failureOf(
        (async () => {
          for await (const page of http.paginate(path, declared(style, run))) seen.push(page)
        })()
      )

      assert.instanceOf(error, BudgetExhaustedError)
      assert.lengthOf(seen, 2)
      assert.equal(http.stats.requests, 2)
      assert.lengthOf(requestsOf(run), 2)
    })

  test('a 429 in the middle of a list is waited out and the walk goes on', async ({ assert }) => {
    const http = client()
    const { run, ids } = await walk(http, 'azure', 'limited')
    assert.deepEqual(ids, ALL_IDS)
    assert.equal(http.stats.rateLimitWaits, 1)
    assert.deepEqual(
      requestsOf(run).map((entry) => entry.status),
      [200, 429, 200, 200]
    )
  }).timeout(15_000)

  test('offsets follow the rows that came when the provider caps the page size', async ({
    assert,
  }) => {
    const { run, ids } = await walk(client(), 'jira-offset', 'capped')
    assert.deepEqual(ids, ALL_IDS)
    assert.deepEqual(
      requestsOf(run).map((entry) => new URLSearchParams(entry.query).get('startAt')),
      ['0', '2', '4', '6']
    )
  })

  test('a provider repeating a continuation token ends the list instead of looping', async ({
    assert,
  }) => {
    const { run, path } = route('repeat', '')
    const pages: unknown[] = []
    for await (const page of client().paginate(path, {
      ...declared('azure', run),
      query: { run },
    })) {
      pages.push(page.items)
    }
    assert.deepEqual(pages, [[0], [1]])
    assert.lengthOf(requestsOf(run), 2)
  })

  test('paginateItems yields the items of every page one by one', async ({ assert }) => {
    const { run, path } = route('styles', 'snyk')
    const ids: number[] = []
    for await (const item of client().paginateItems<{ id: number }>(path, declared('snyk', run))) {
      ids.push(item.id)
    }
    assert.deepEqual(ids, ALL_IDS)
  })

  test('a page without a list where the items option points fails with a clear error', async ({
    assert,
  }) => {
    const { run, path } = route('styles', 'bitbucket')
    const error = await failureOf(
      client()
        .paginate(path, { ...declared('bitbucket', run), items: 'issues' })
        .next()
    )
    assert.instanceOf(error, PaginationError)
    assert.include(error.message, `${origin}/styles/bitbucket: no list at "issues"`)
  })

  test('a page token in the body without POST is a programming error, caught before sending', async ({
    assert,
  }) => {
    const { run, path } = route('styles', 'jira-search')
    const error = await failureOf(
      client()
        .paginate(path, { ...declared('jira-search', run), method: 'GET' })
        .next()
    )
    assert.instanceOf(error, TypeError)
    assert.equal(error.message, 'A page token sent in the body needs method: POST')
    assert.lengthOf(requestsOf(run), 0)
  })
})

test.group('HTTP pagination / reading JSON paths', () => {
  const body = { 'links': { next: '/x', self: '/y' }, 'a/b': { '~c': 1 }, 'values': [{ id: 7 }] }

  test('dotted paths and JSON pointers read the same values', ({ assert }) => {
    assert.equal(readPath(body, 'links.next'), '/x')
    assert.equal(readPath(body, '/links/next'), '/x')
    assert.equal(readPath(body, '/values/0/id'), 7)
    assert.deepEqual(readPath(body, ''), body)
  })

  test('JSON pointer escapes name keys holding "/" and "~"', ({ assert }) => {
    assert.equal(readPath(body, '/a~1b/~0c'), 1)
  })

  test('missing and inherited properties read as undefined', ({ assert }) => {
    assert.isUndefined(readPath(body, 'links.prev'))
    assert.isUndefined(readPath(body, 'links.next.length'))
    assert.isUndefined(readPath(body, 'constructor'))
    assert.isUndefined(readPath(body, '/links/__proto__'))
  })
})

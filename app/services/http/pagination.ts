import { withoutQuery } from './download.js'
import {
  PaginationError,
  type HttpPage,
  type PaginateOptions,
  type PaginationStrategy,
} from './pagination_types.js'
import type { HttpRequestOptions, HttpResponse } from './types.js'

export * from './pagination_types.js'

/** One exchange of the client (retries, rate limits, cache and budget included). */
export type PageSender = (
  method: string,
  pathOrUrl: string,
  options: HttpRequestOptions
) => Promise<HttpResponse<unknown>>

/** What to ask for next: a URL (or path), its query, and the body of a POST. */
type PageRequest = {
  url: string
  query: HttpRequestOptions['query']
  body: unknown
}

/**
 * How one strategy walks a list: the first request, then, from each page,
 * the next request or null when the list is done. A walker keeps what it
 * has seen, so a provider answering with the same link or token twice
 * ends the list instead of looping on it.
 */
interface PageWalker {
  first(request: PageRequest): PageRequest
  next(page: HttpPage<unknown, unknown>, request: PageRequest): PageRequest | null
}

const LINK: PaginationStrategy = { style: 'link' }

/**
 * Fetches page after page through `send`, as the strategy directs. Every
 * page is an ordinary request of the client, so it counts toward the
 * budget, waits out rate limits and is conditional (ETag /
 * Last-Modified) wherever the provider sends validators. A next page on
 * another origin than the first is refused: a provider's answer must not
 * be able to aim the client, and the credentials it carries, at another
 * host. The signal is checked before each page.
 */
export async function* paginatePages<T, Item>(
  send: PageSender,
  pathOrUrl: string,
  options: PaginateOptions,
  signal?: AbortSignal
): AsyncGenerator<HttpPage<T, Item>> {
  const { strategy = LINK, items: itemsPath, method = 'GET', ...requestOptions } = options
  const walker = walkerFor(strategy, method, requestOptions.body)
  let request = walker.first({
    url: pathOrUrl,
    query: requestOptions.query,
    body: requestOptions.body,
  })
  let origin: string | undefined
  for (;;) {
    signal?.throwIfAborted()
    const response = await send(method, request.url, {
      ...requestOptions,
      query: request.query,
      body: request.body,
    })
    origin ??= new URL(response.url).origin
    const items = itemsOf(response, itemsPath, strategy.style === 'offset')
    const page = { ...response, items } as HttpPage<T, Item>
    yield page
    const next = walker.next(page as HttpPage<unknown, unknown>, request)
    if (!next) return
    if (next.url !== request.url) assertSameOrigin(next.url, origin, response.url)
    request = next
  }
}

function walkerFor(strategy: PaginationStrategy, method: string, body: unknown): PageWalker {
  switch (strategy.style) {
    case 'link':
      return urlWalker((page) => page.links.next)
    case 'next-url':
      return urlWalker((page) => nextUrlFromBody(page, strategy.next))
    case 'continuation-header': {
      const header = strategy.header.toLowerCase()
      return tokenWalker(
        (page) => page.headers[header],
        (request, token) => ({ ...request, query: { ...request.query, [strategy.param]: token } })
      )
    }
    case 'offset':
      return offsetWalker(strategy)
    case 'page-token': {
      if (strategy.in === 'body') assertBodyCarriesToken(method, body)
      return tokenWalker(
        (page) => {
          if (strategy.isLast && readPath(page.data, strategy.isLast) === true) return undefined
          const token = readPath(page.data, strategy.token)
          return typeof token === 'string' || typeof token === 'number' ? String(token) : undefined
        },
        (request, token) =>
          strategy.in === 'body'
            ? { ...request, body: { ...(request.body as object), [strategy.param]: token } }
            : { ...request, query: { ...request.query, [strategy.param]: token } }
      )
    }
    default:
      throw new TypeError(
        `Unknown pagination style "${(strategy as { style?: unknown }).style}"; use link, next-url, continuation-header, offset or page-token`
      )
  }
}

/** Link and next-url: the next page is a URL; its query is its own. */
function urlWalker(nextOf: (page: HttpPage<unknown, unknown>) => string | undefined): PageWalker {
  const visited = new Set<string>()
  return {
    first: (request) => request,
    next(page, request) {
      visited.add(page.url)
      const target = nextOf(page)
      // A provider that links a page to itself (or back) must not loop forever.
      if (!target || visited.has(target)) return null
      return { url: target, query: undefined, body: request.body }
    },
  }
}

/** Continuation header and page token: same URL, a new token each page. */
function tokenWalker(
  tokenOf: (page: HttpPage<unknown, unknown>) => string | undefined,
  withToken: (request: PageRequest, token: string) => PageRequest
): PageWalker {
  const seen = new Set<string>()
  return {
    first: (request) => request,
    next(page, request) {
      const token = tokenOf(page)
      if (!token || seen.has(token)) return null
      seen.add(token)
      return withToken(request, token)
    },
  }
}

function offsetWalker(strategy: Extract<PaginationStrategy, { style: 'offset' }>): PageWalker {
  const { offsetParam, limitParam, pageSize } = strategy
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
    throw new TypeError('Offset pagination needs a pageSize of 1 or more')
  }
  let position = strategy.start ?? 0
  const at = (request: PageRequest): PageRequest => ({
    ...request,
    query: { ...request.query, [offsetParam]: position, [limitParam]: pageSize },
  })
  return {
    first: at,
    next(page, request) {
      // The provider may cap the page size below what was asked: the
      // position follows what actually came.
      if (page.items.length === 0) return null
      if (strategy.isLast && readPath(page.data, strategy.isLast) === true) return null
      position += page.items.length
      const total = strategy.total === undefined ? undefined : readPath(page.data, strategy.total)
      if (typeof total === 'number' && position >= total) return null
      return at(request)
    },
  }
}

function nextUrlFromBody(page: HttpPage<unknown, unknown>, path: string): string | undefined {
  const value = readPath(page.data, path)
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string' || !URL.canParse(value, page.url)) {
    throw new PaginationError(`${withoutQuery(page.url)}: the next page at "${path}" is not a URL`)
  }
  return new URL(value, page.url).toString()
}

function assertBodyCarriesToken(method: string, body: unknown) {
  if (method !== 'POST') {
    throw new TypeError('A page token sent in the body needs method: POST')
  }
  if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
    throw new TypeError('A page token sent in the body needs a JSON object body (or none)')
  }
}

function assertSameOrigin(target: string, origin: string, pageUrl: string) {
  const next = new URL(target)
  if (next.origin === origin && next.origin !== 'null') return
  const where = next.origin === 'null' ? `a ${next.protocol} URL` : next.origin
  throw new PaginationError(
    `${withoutQuery(pageUrl)} points its next page to another origin (${where}): refused, ` +
      `pages are followed on ${origin} only, so its credentials never leave it`
  )
}

/**
 * The page's list: at `path` when given (it must be an array there), else
 * the body when it is an array. Offset pagination moves by the number of
 * items, so it needs them found.
 */
function itemsOf(
  response: HttpResponse<unknown>,
  path: string | undefined,
  required: boolean
): unknown[] {
  const value = path === undefined ? response.data : readPath(response.data, path)
  if (Array.isArray(value)) return value
  if (path === undefined && !required) return []
  const where = path === undefined ? 'the body is not a list' : `no list at "${path}"`
  throw new PaginationError(
    `${withoutQuery(response.url)}: ${where}; set the items option to where the page's list is`
  )
}

/**
 * Reads a value from a parsed JSON body by JSON pointer (`/links/next`,
 * RFC 6901 escapes) or dotted path (`links.next`). Only the body's own
 * properties are read, never inherited ones such as `constructor`.
 */
export function readPath(data: unknown, path: string): unknown {
  const segments = path.startsWith('/')
    ? path
        .slice(1)
        .split('/')
        .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    : path === ''
      ? []
      : path.split('.')
  let current = data
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined
    if (!Object.hasOwn(current, segment)) return undefined
    current = (current as Record<string, unknown>)[segment]
  }
  return current
}

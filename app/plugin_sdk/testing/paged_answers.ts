import { createHash } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { PaginateOptions } from '#services/http/client'

/**
 * The list wire formats of the providers still to come, over any list of
 * rows, for fake providers on loopback: how each names its next page,
 * where it puts the rows, and its ETags (GET answers carry a weak ETag
 * of their body and answer a matching If-None-Match with 304).
 *
 * - `link-header`: `page`/`per_page`, `Link: <…>; rel="next"` (RFC 8288; GitHub's REST API pages this way)
 * - `bitbucket`: `page`/`pagelen`, `{ values, next }` with an absolute next URL
 * - `snyk`: `limit`/`starting_after`, `{ data, links: { next } }` with a relative next URL
 * - `azure`: `$top`/`continuationToken`, `{ count, value }`, `x-ms-continuationtoken` header
 * - `mailchimp`: `offset`/`count`, `{ <list key>, total_items }`
 * - `jira-offset`: `startAt`/`maxResults`, `{ values, startAt, maxResults, total, isLast }`
 * - `jira-token`: GET `maxResults`/`nextPageToken`, `{ issues, nextPageToken, isLast }`
 * - `jira-search`: the same taking a POSTed JSON body (no ETag: a search is not cacheable)
 */
export const PAGINATION_STYLES = [
  'link-header',
  'bitbucket',
  'snyk',
  'azure',
  'mailchimp',
  'jira-offset',
  'jira-token',
  'jira-search',
] as const
export type PaginationStyle = (typeof PAGINATION_STYLES)[number]

export function isPaginationStyle(value: string): value is PaginationStyle {
  return (PAGINATION_STYLES as readonly string[]).includes(value)
}

export type PagedRequest = {
  method: string
  /** the request's absolute URL */
  url: URL
  headers: IncomingHttpHeaders
  /** the parsed JSON body of a POST */
  body?: Record<string, unknown>
}

export type PagedAnswerOptions = {
  /** the key of Mailchimp's list, named after the resource ('lists', 'members'); default 'items' */
  listKey?: string
  /** the most rows a page holds whatever is asked (providers cap page sizes); default 100 */
  maxPageSize?: number
  /** next links point at this origin instead of the request's (a hostile or broken provider) */
  nextOrigin?: string
}

export type PagedAnswer = { status: number; headers: Record<string, string>; body?: unknown }

/** Page tokens are opaque to clients; here they carry the next offset. */
const encodeToken = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url')
function decodeToken(token: string | null | undefined): number | null {
  if (!token) return 0
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString())
  return match ? Number(match[1]) : null
}

function whole(value: string | null | undefined, fallback: number) {
  const parsed = Number(value ?? fallback)
  return Number.isSafeInteger(parsed) && parsed >= 0 ? parsed : fallback
}

/** One page of `rows` answering `request` in the wire format of `style`. */
export function pagedAnswer(
  style: PaginationStyle,
  request: PagedRequest,
  rows: unknown[],
  options: PagedAnswerOptions = {}
): PagedAnswer {
  const { url } = request
  const query = url.searchParams
  const cap = options.maxPageSize ?? 100
  const size = (asked: number) => Math.max(1, Math.min(asked, cap))
  const nextUrl = (changes: Record<string, string>) => {
    const next = new URL(url.pathname + url.search, options.nextOrigin ?? url.origin)
    for (const [name, value] of Object.entries(changes)) next.searchParams.set(name, value)
    return next
  }
  const invalid = (message: string): PagedAnswer => ({
    status: 400,
    headers: {},
    body: { message },
  })

  switch (style) {
    case 'link-header': {
      const perPage = size(whole(query.get('per_page'), 30))
      const page = Math.max(1, whole(query.get('page'), 1))
      const start = (page - 1) * perPage
      const headers: Record<string, string> = {}
      if (start + perPage < rows.length) {
        headers.link = `<${nextUrl({ page: String(page + 1) })}>; rel="next"`
      }
      return cacheable(request, { status: 200, headers, body: rows.slice(start, start + perPage) })
    }
    case 'bitbucket': {
      const pagelen = size(whole(query.get('pagelen'), 10))
      const page = Math.max(1, whole(query.get('page'), 1))
      const start = (page - 1) * pagelen
      const body: Record<string, unknown> = {
        size: rows.length,
        page,
        pagelen,
        values: rows.slice(start, start + pagelen),
      }
      if (start + pagelen < rows.length) body.next = nextUrl({ page: String(page + 1) }).toString()
      return cacheable(request, { status: 200, headers: {}, body })
    }
    case 'snyk': {
      const limit = size(whole(query.get('limit'), 10))
      const start = decodeToken(query.get('starting_after'))
      if (start === null) return invalid('starting_after is not a cursor this API issued')
      const links: Record<string, string> = { self: url.pathname + url.search }
      if (start + limit < rows.length) {
        const next = nextUrl({ starting_after: encodeToken(start + limit) })
        // Snyk's links are relative to the host; a foreign origin has to be spelled out.
        links.next = options.nextOrigin ? next.toString() : next.pathname + next.search
      }
      return cacheable(request, {
        status: 200,
        headers: {},
        body: { data: rows.slice(start, start + limit), links },
      })
    }
    case 'azure': {
      const top = size(whole(query.get('$top'), 100))
      const start = decodeToken(query.get('continuationToken'))
      if (start === null) return invalid('The continuation token is not valid.')
      const value = rows.slice(start, start + top)
      const headers: Record<string, string> = {}
      if (start + top < rows.length) headers['x-ms-continuationtoken'] = encodeToken(start + top)
      return cacheable(request, { status: 200, headers, body: { count: value.length, value } })
    }
    case 'mailchimp': {
      const count = size(whole(query.get('count'), 10))
      const offset = whole(query.get('offset'), 0)
      return cacheable(request, {
        status: 200,
        headers: {},
        body: {
          [options.listKey ?? 'items']: rows.slice(offset, offset + count),
          total_items: rows.length,
        },
      })
    }
    case 'jira-offset': {
      const maxResults = size(whole(query.get('maxResults'), 50))
      const startAt = whole(query.get('startAt'), 0)
      return cacheable(request, {
        status: 200,
        headers: {},
        body: {
          self: url.toString(),
          maxResults,
          startAt,
          total: rows.length,
          isLast: startAt + maxResults >= rows.length,
          values: rows.slice(startAt, startAt + maxResults),
        },
      })
    }
    case 'jira-token':
    case 'jira-search': {
      const input =
        style === 'jira-search'
          ? {
              maxResults: String(request.body?.maxResults ?? ''),
              token: request.body?.nextPageToken as string | undefined,
            }
          : { maxResults: query.get('maxResults'), token: query.get('nextPageToken') }
      const maxResults = size(whole(input.maxResults, 50))
      const start = decodeToken(input.token)
      if (start === null) return invalid('The nextPageToken is invalid or has expired.')
      const isLast = start + maxResults >= rows.length
      const body: Record<string, unknown> = {
        issues: rows.slice(start, start + maxResults),
        isLast,
      }
      if (!isLast) body.nextPageToken = encodeToken(start + maxResults)
      const answer = { status: 200, headers: {}, body }
      return style === 'jira-search' ? answer : cacheable(request, answer)
    }
  }
}

/**
 * A GET answer carries a weak ETag of its body and headers; a request
 * that already holds it gets 304 with no body.
 */
function cacheable(request: PagedRequest, answer: PagedAnswer): PagedAnswer {
  if (request.method !== 'GET') return answer
  const etag = `W/"${createHash('sha1')
    .update(JSON.stringify(answer.body))
    .update(JSON.stringify(answer.headers))
    .digest('hex')}"`
  // The 304 carries the validator alone: a client must continue from what it cached.
  if (request.headers['if-none-match'] === etag) return { status: 304, headers: { etag } }
  return { ...answer, headers: { ...answer.headers, etag } }
}

/**
 * What a plugin declares to walk a list served in `style` with the SDK's
 * HttpClient (`http.paginate(path, options)`), asking `pageSize` rows a
 * page. The kit's own tests walk every style with these; docs/plugins.md
 * shows each one.
 */
export function paginateOptionsFor(style: PaginationStyle, pageSize: number): PaginateOptions {
  switch (style) {
    case 'link-header':
      return { strategy: { style: 'link' }, query: { per_page: pageSize } }
    case 'bitbucket':
      return {
        strategy: { style: 'next-url', next: 'next' },
        items: 'values',
        query: { pagelen: pageSize },
      }
    case 'snyk':
      return {
        strategy: { style: 'next-url', next: '/links/next' },
        items: 'data',
        query: { limit: pageSize },
      }
    case 'azure':
      return {
        strategy: {
          style: 'continuation-header',
          header: 'x-ms-continuationtoken',
          param: 'continuationToken',
        },
        items: 'value',
        query: { $top: pageSize },
      }
    case 'mailchimp':
      return {
        strategy: {
          style: 'offset',
          offsetParam: 'offset',
          limitParam: 'count',
          pageSize,
          total: 'total_items',
        },
        items: 'items',
      }
    case 'jira-offset':
      return {
        strategy: {
          style: 'offset',
          offsetParam: 'startAt',
          limitParam: 'maxResults',
          pageSize,
          total: 'total',
          isLast: 'isLast',
        },
        items: 'values',
      }
    case 'jira-token':
      return {
        strategy: {
          style: 'page-token',
          token: 'nextPageToken',
          param: 'nextPageToken',
          isLast: 'isLast',
        },
        items: 'issues',
        query: { maxResults: pageSize },
      }
    case 'jira-search':
      return {
        method: 'POST',
        strategy: {
          style: 'page-token',
          token: 'nextPageToken',
          param: 'nextPageToken',
          in: 'body',
          isLast: 'isLast',
        },
        items: 'issues',
        body: { maxResults: pageSize },
      }
  }
}

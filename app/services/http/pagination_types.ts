import type { HttpRequestOptions, HttpResponse } from './types.js'

/**
 * How a provider tells the client where the next page is. A plugin picks
 * one per request; `{ style: 'link' }` is the default.
 *
 * Paths into the JSON body (`next`, `token`, `total`, `isLast`, and the
 * `items` option) are either JSON pointers (`/links/next`) or dotted
 * paths (`links.next`).
 */
export type PaginationStrategy =
  | LinkPagination
  | NextUrlPagination
  | ContinuationHeaderPagination
  | OffsetPagination
  | PageTokenPagination

/** RFC 8288 `Link: <…>; rel="next"` (GitHub, GitLab). */
export type LinkPagination = { style: 'link' }

/**
 * The body names the next page's URL, absolute or relative to the page
 * (Bitbucket's `next`, Snyk's JSON:API `links.next`).
 */
export type NextUrlPagination = {
  style: 'next-url'
  /** where the URL is in the body: 'next', 'links.next' or '/links/next' */
  next: string
}

/**
 * A response header carries an opaque token that goes back as a query
 * parameter (Azure DevOps: `x-ms-continuationtoken` → `continuationToken`).
 */
export type ContinuationHeaderPagination = {
  style: 'continuation-header'
  /** the response header, e.g. 'x-ms-continuationtoken' (any case) */
  header: string
  /** the query parameter it is sent back in, e.g. 'continuationToken' */
  param: string
}

/**
 * Numbered positions: the client asks for `pageSize` items from an
 * offset and moves the offset by the items it got, until the body says
 * it was the last page, the offset reaches the total, or a page is empty
 * (Mailchimp `offset`/`count`/`total_items`; Jira `startAt`/`maxResults`/
 * `total`/`isLast`).
 */
export type OffsetPagination = {
  style: 'offset'
  /** the query parameter holding the position: 'offset', 'startAt' */
  offsetParam: string
  /** the query parameter holding the page size: 'count', 'maxResults' */
  limitParam: string
  /** items asked for per page; the provider may send fewer, the offset follows what came */
  pageSize: number
  /** the first position, 0 by default */
  start?: number
  /** where the body gives the total number of items: 'total_items', 'total' */
  total?: string
  /** where the body says this is the last page: 'isLast' */
  isLast?: string
}

/**
 * The body carries a token for the next page, sent back as a query
 * parameter or, for search APIs taking a POST, in the JSON body (Jira's
 * `/rest/api/3/search/jql` `nextPageToken`).
 */
export type PageTokenPagination = {
  style: 'page-token'
  /** where the token is in the body: 'nextPageToken' */
  token: string
  /** the name it is sent back under: 'nextPageToken' */
  param: string
  /** 'query' (default) or 'body' (the request's JSON body; needs method POST) */
  in?: 'query' | 'body'
  /** where the body says this is the last page: 'isLast' */
  isLast?: string
}

export type PaginateOptions = HttpRequestOptions & {
  /** how to find the next page, default `{ style: 'link' }` */
  strategy?: PaginationStrategy
  /**
   * Where each page's list is in the body ('values', 'data', '/value').
   * Default: the body itself when it is an array, else no items.
   */
  items?: string
  /** GET (default), or POST for a search API that takes its page token in the body */
  method?: 'GET' | 'POST'
}

/** The element type of a page body that is an array; unknown otherwise. */
export type ItemOf<T> = T extends ReadonlyArray<infer Item> ? Item : unknown

/** One page: the whole response, plus the list it carries. */
export type HttpPage<T = unknown, Item = ItemOf<T>> = HttpResponse<T> & {
  /** the page's items, read from `items` (or the body when it is an array) */
  items: Item[]
}

/**
 * A response named a next page the client will not follow (another
 * origin, a malformed URL) or lacks the list it was said to carry. The
 * message names origins and paths only, never a query (it may hold a
 * token).
 */
export class PaginationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PaginationError'
  }
}

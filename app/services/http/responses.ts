import type { CachedResponse } from './conditional_cache.js'
import { HttpError, HttpTimeoutError } from './errors.js'
import { parseLinkHeader } from './link_header.js'
import type { Redactor } from './redaction.js'
import {
  AttemptTimeoutError,
  isTransientNetworkError,
  networkErrorCode,
  parseBody,
  type RawResponse,
} from './transport.js'
import type { HttpResponse } from './types.js'

/**
 * How much of an error body is kept on HttpError, for the log. The
 * message never quotes it: messages reach pages (a connection's last
 * error, a Test result), and what a provider wrote may hold internal
 * data or echo a credential.
 */
const ERROR_BODY_LENGTH = 500

/**
 * The caller's view of a final answer. Redirects are not followed (the
 * credential must not travel to whatever host a Location names), so a
 * 3xx raises HttpError like a 4xx or 5xx does.
 */
export function responseFrom<T>(
  verb: string,
  url: string,
  raw: RawResponse,
  redactor: Redactor
): HttpResponse<T> {
  if (raw.status >= 300) {
    const safeUrl = redactor.url(url)
    const body = redactor.text(raw.text).slice(0, ERROR_BODY_LENGTH)
    throw new HttpError(`${verb} ${safeUrl} failed with status ${raw.status}`, {
      status: raw.status,
      url: safeUrl,
      body,
    })
  }
  return {
    status: raw.status,
    url,
    headers: raw.headers,
    data: parseOrThrow(verb, url, raw.status, raw.text, raw.headers, redactor) as T,
    notModified: false,
    links: resolveLinks(raw.headers.link, url),
  }
}

/** The cached answer replayed after the server said 304 Not Modified. */
export function replayCached<T>(
  verb: string,
  url: string,
  cached: CachedResponse,
  redactor: Redactor
): HttpResponse<T> {
  return {
    status: cached.status,
    url,
    headers: cached.headers,
    data: parseOrThrow(verb, url, cached.status, cached.body, cached.headers, redactor) as T,
    notModified: true,
    links: resolveLinks(cached.headers.link, url),
  }
}

/**
 * What to cache of a response: only a 200 carrying a validator can be
 * revalidated later. Cookies are session state, never replayed.
 */
export function cacheEntryFrom(raw: RawResponse): CachedResponse | null {
  const etag = raw.headers.etag ?? null
  const lastModified = raw.headers['last-modified'] ?? null
  if (raw.status !== 200 || (!etag && !lastModified)) return null
  const headers = { ...raw.headers }
  delete headers['set-cookie']
  return { etag, lastModified, status: raw.status, headers, body: raw.text }
}

/**
 * Turns an attempt that got no answer into the error to raise, and
 * whether another attempt may help.
 */
export function describeFailure(error: unknown, verb: string, url: string, redactor: Redactor) {
  const safeUrl = redactor.url(url)
  if (error instanceof AttemptTimeoutError) {
    const message = `${verb} ${safeUrl} timed out after ${error.timeoutMs}ms`
    return { retryable: true, error: new HttpTimeoutError(message) }
  }
  const reason = networkErrorCode(error) ?? redactor.text(String((error as Error)?.message))
  return {
    retryable: isTransientNetworkError(error),
    error: new HttpError(`${verb} ${safeUrl} failed: ${reason}`, { status: 0, url: safeUrl }),
  }
}

function parseOrThrow(
  verb: string,
  url: string,
  status: number,
  text: string,
  headers: Record<string, string>,
  redactor: Redactor
) {
  try {
    return parseBody(text, headers['content-type'])
  } catch {
    const safeUrl = redactor.url(url)
    const body = redactor.text(text).slice(0, ERROR_BODY_LENGTH)
    throw new HttpError(`${verb} ${safeUrl} returned malformed JSON`, {
      status,
      url: safeUrl,
      body,
    })
  }
}

/** Link targets may be relative; they are relative to the response's own URL. */
function resolveLinks(header: string | undefined, responseUrl: string): Record<string, string> {
  const links: Record<string, string> = {}
  for (const [relation, target] of Object.entries(parseLinkHeader(header))) {
    if (URL.canParse(target, responseUrl)) links[relation] = new URL(target, responseUrl).toString()
  }
  return links
}

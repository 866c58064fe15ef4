import type { Readable } from 'node:stream'
import { request, type Dispatcher } from 'undici'
import { flattenHeaders, sharedAgent } from './transport.js'

export type HttpDownload = {
  status: number
  /** the final URL, after redirects, without its query string (it may carry a token) */
  url: string
  /** lower-case names */
  headers: Record<string, string>
  /** the body, not yet read: the caller streams it and must consume or destroy it */
  body: Readable
  /** until the headers arrived */
  durationMs: number
}

const MAX_REDIRECTS = 5

/** A URL fit for messages and logs: download redirects carry short-lived tokens in the query. */
export function withoutQuery(url: string) {
  const parsed = new URL(url)
  return `${parsed.origin}${parsed.pathname}`
}

/**
 * One GET whose body is handed over unread, following redirects. The
 * credentials go only to the origin first asked: a redirect to another
 * host (GitHub sends archives from codeload with a token in the URL) is
 * followed without them, as browsers and curl do.
 */
export async function openStream(exchange: {
  url: string
  headers: Record<string, string>
  headersTimeoutMs: number
  signal?: AbortSignal
  /** the shared pool by default; the outbound policy's for user-typed URLs */
  dispatcher?: Dispatcher
  /** MAX_REDIRECTS by default; the outbound policy allows fewer */
  maxRedirects?: number
  /** throws for a redirect target that must not be followed (the outbound policy) */
  checkRedirect?: (url: string) => void
}): Promise<HttpDownload> {
  const started = performance.now()
  let url = exchange.url
  let headers = exchange.headers
  const origin = new URL(url).origin
  for (let hop = 0; ; hop++) {
    const response = await request(url, {
      method: 'GET' as Dispatcher.HttpMethod,
      headers,
      signal: exchange.signal,
      dispatcher: exchange.dispatcher ?? sharedAgent,
      headersTimeout: exchange.headersTimeoutMs,
    })
    const location = response.headers.location
    if (
      response.statusCode >= 300 &&
      response.statusCode < 400 &&
      location &&
      hop < (exchange.maxRedirects ?? MAX_REDIRECTS)
    ) {
      response.body.resume()
      url = new URL(String(location), url).toString()
      exchange.checkRedirect?.(url)
      if (new URL(url).origin !== origin) {
        headers = Object.fromEntries(
          Object.entries(headers).filter(([name]) => name !== 'authorization')
        )
      }
      continue
    }
    return {
      status: response.statusCode,
      url: withoutQuery(url),
      headers: flattenHeaders(response.headers),
      body: response.body,
      durationMs: Math.round(performance.now() - started),
    }
  }
}

/** The start of an error answer's body (for the message), the rest discarded. */
export async function readErrorBody(body: Readable, limit = 4096): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of body) {
      if (size < limit) chunks.push(Buffer.from(chunk as Buffer))
      size += (chunk as Buffer).length
    }
  } catch {
    // A broken error body still leaves the status to report.
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, limit)
}

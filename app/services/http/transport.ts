import { Agent, request, type Dispatcher } from 'undici'

/**
 * One connection pool for every provider client in the process: syncs
 * issue thousands of small requests to a handful of hosts, and reusing
 * kept-alive sockets saves a TLS handshake on each.
 */
export const sharedAgent = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 })

export type RawResponse = {
  status: number
  /** lower-case names; repeated headers joined with ", " */
  headers: Record<string, string>
  text: string
  durationMs: number
}

export type RequestBody = string | Uint8Array | undefined

/**
 * The attempt ran past its own deadline (as opposed to being cancelled
 * by the caller's signal); the client retries these.
 */
export class AttemptTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`attempt timed out after ${timeoutMs}ms`)
    this.name = 'AttemptTimeoutError'
  }
}

/**
 * Sends one request and reads its whole body, under a deadline covering
 * both the wait for headers and the body. The body is always consumed,
 * error or not, so the socket goes back to the pool.
 */
export async function sendOnce(exchange: {
  method: string
  url: string
  headers: Record<string, string>
  body: RequestBody
  timeoutMs: number
  signal?: AbortSignal
  /** the shared pool by default; the outbound policy's for user-typed URLs */
  dispatcher?: Dispatcher
}): Promise<RawResponse> {
  const deadline = new AbortController()
  const timer = setTimeout(() => deadline.abort(), exchange.timeoutMs)
  const signal = exchange.signal
    ? AbortSignal.any([exchange.signal, deadline.signal])
    : deadline.signal
  const started = performance.now()
  try {
    const response = await request(exchange.url, {
      method: exchange.method as Dispatcher.HttpMethod,
      headers: exchange.headers,
      body: exchange.body,
      signal,
      dispatcher: exchange.dispatcher ?? sharedAgent,
    })
    const text = await response.body.text()
    return {
      status: response.statusCode,
      headers: flattenHeaders(response.headers),
      text,
      durationMs: Math.round(performance.now() - started),
    }
  } catch (error) {
    if (deadline.signal.aborted && !exchange.signal?.aborted) {
      throw new AttemptTimeoutError(exchange.timeoutMs)
    }
    throw error
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Failures worth another attempt: the connection broke or could not be
 * made, which says nothing about whether the next try will work.
 */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
])

/**
 * The error code of a network failure, looking through undici's
 * wrapping (`cause`) to the socket's own error.
 */
export function networkErrorCode(error: unknown): string | null {
  let current: unknown = error
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown }).cause
  }
  return null
}

export function isTransientNetworkError(error: unknown): boolean {
  const code = networkErrorCode(error)
  return code !== null && TRANSIENT_NETWORK_CODES.has(code)
}

/**
 * Encodes a request body: strings and bytes go as they are, form
 * parameters as urlencoded, anything else as JSON. A content type the
 * caller set is kept.
 */
export function encodeBody(body: unknown, headers: Record<string, string>): RequestBody {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string' || body instanceof Uint8Array) return body
  if (body instanceof URLSearchParams) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded'
    return body.toString()
  }
  headers['content-type'] ??= 'application/json'
  return JSON.stringify(body)
}

/**
 * JSON when the content type says so (an empty body is null), text
 * otherwise. Throws SyntaxError on malformed JSON.
 */
export function parseBody(text: string, contentType: string | undefined): unknown {
  if (!contentType?.toLowerCase().includes('json')) return text
  return text.trim() === '' ? null : JSON.parse(text)
}

export function lowerCaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const lowered: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers ?? {})) lowered[name.toLowerCase()] = value
  return lowered
}

export function flattenHeaders(headers: Record<string, string | string[] | undefined>) {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}

import { createHash } from 'node:crypto'
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { FakeOAuthServer, type FakeOAuthOptions } from './oauth_server.js'
import { pagedAnswer, type PaginationStyle } from './paged_answers.js'

/**
 * A provider API for a plugin's tests: a real HTTP server on loopback
 * (a port the OS picks) whose routes the test declares, speaking the wire
 * formats real providers use, so the plugin's real client code runs
 * against it unchanged:
 *
 * - lists in any pagination style the SDK's HttpClient follows
 *   (`list(path, rows, { style })`, see paged_answers.ts)
 * - weak ETags on GET answers, 304 on a matching If-None-Match
 * - `x-ratelimit-limit/remaining/reset` on every answer
 * - faults on demand: 5xx, 429 with Retry-After, hangs
 * - an OAuth 2.0 server with PKCE and rotating refresh tokens (`oauth()`)
 * - credentials it accepts (`accept`), 401 otherwise
 *
 * Every request is recorded (`requests`) for assertions.
 */

export type FakeRequest = {
  method: string
  /** the absolute URL asked for */
  url: URL
  /** the route's `:name` segments */
  params: Record<string, string>
  headers: IncomingHttpHeaders
  rawBody: string
  /** the body parsed: JSON, form fields, or undefined */
  body: unknown
}

export type FakeAnswer = {
  /** default 200 */
  status?: number
  /** JSON unless `headers['content-type']` says otherwise and the body is a string or Buffer */
  body?: unknown
  headers?: Record<string, string>
}

export type FakeHandler = (request: FakeRequest) => FakeAnswer | Promise<FakeAnswer>

export type RecordedRequest = {
  method: string
  /** path and query string */
  path: string
  pathname: string
  query: Record<string, string>
  headers: IncomingHttpHeaders
  body: string
  status: number
}

export type FakeCredentials = {
  /** bearer tokens accepted besides those the OAuth server issues */
  bearer?: string[]
  /** HTTP Basic user → password (Jira's email + API token, Azure DevOps' PAT) */
  basic?: Record<string, string>
  /** a header and its value (`x-api-key`, `PRIVATE-TOKEN`, `Authorization: token …`) */
  header?: { name: string; value: string }
}

export type ListOptions = {
  style: PaginationStyle
  /** the key Mailchimp-style lists put rows under (default 'items') */
  listKey?: string
  /** the most rows a page holds whatever is asked (default 100) */
  maxPageSize?: number
}

type Fault = {
  kind: 'status' | 'rate-limit' | 'hang'
  times: number
  path?: string
  method?: string
  status: number
  retryAfter?: number
  ms?: number
}

type Route = { method: string; pattern: RegExp; names: string[]; handler: FakeHandler }

/** `/repos/:owner/:name/pulls` → a regular expression and its parameter names */
function compile(path: string) {
  const names: string[] = []
  const source = path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      names.push(segment.slice(1))
      return '([^/]+)'
    })
    .join('/')
  return { pattern: new RegExp(`^${source}/?$`), names }
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw))
  }
  try {
    return JSON.parse(raw)
  } catch {
    return undefined
  }
}

export class FakeProvider {
  /** every request, in order, with the status it was answered */
  readonly requests: RecordedRequest[] = []
  /** the rate-limit window announced on every answer; successful answers spend one */
  readonly quota = { limit: 5000, remaining: 5000, resetAt: new Date(Date.now() + 3_600_000) }
  /** set by oauth() */
  oauthServer: FakeOAuthServer | null = null
  readonly #routes: Route[] = []
  readonly #faults: Fault[] = []
  #credentials: FakeCredentials | null = null
  #url = ''
  readonly #server = createServer((request, response) => {
    this.#handle(request, response).catch((error: Error) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ message: `fake provider: ${error.message}` }))
    })
  })

  /** http://127.0.0.1:<port>, once started */
  get url() {
    return this.#url
  }

  async start() {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve))
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
    return this
  }

  close() {
    this.#server.closeAllConnections()
    return new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  /** Answers `method path` (`:name` segments are parameters) with the handler. */
  route(method: string, path: string, handler: FakeHandler) {
    this.#routes.unshift({ method: method.toUpperCase(), ...compile(path), handler })
    return this
  }

  get(path: string, handler: FakeHandler | FakeAnswer['body']) {
    return this.route(
      'GET',
      path,
      typeof handler === 'function' ? (handler as FakeHandler) : () => ({ body: handler })
    )
  }

  post(path: string, handler: FakeHandler) {
    return this.route('POST', path, handler)
  }

  delete(path: string, handler: FakeHandler) {
    return this.route('DELETE', path, handler)
  }

  /**
   * Serves `rows` (or what the function returns for the request, read at
   * each request so a test can change the list between runs) as a list
   * in one provider's pagination style. `jira-search` lists answer POST.
   */
  list(
    path: string,
    rows: unknown[] | ((request: FakeRequest) => unknown[]),
    options: ListOptions
  ) {
    const method = options.style === 'jira-search' ? 'POST' : 'GET'
    return this.route(method, path, (request) => {
      const all = typeof rows === 'function' ? rows(request) : rows
      return pagedAnswer(
        options.style,
        {
          method: request.method,
          url: request.url,
          headers: request.headers,
          body: request.body as Record<string, unknown> | undefined,
        },
        all,
        { listKey: options.listKey, maxPageSize: options.maxPageSize }
      )
    })
  }

  /**
   * The credentials the API accepts; without a call, every request is
   * accepted. Tokens the OAuth server issues are always accepted.
   */
  accept(credentials: FakeCredentials) {
    this.#credentials = credentials
    return this
  }

  /**
   * An OAuth 2.0 server at `/oauth/authorize` and `/oauth/token` (paths
   * overridable); the API then accepts the access tokens it issues.
   */
  oauth(options: FakeOAuthOptions & { authorizePath?: string; tokenPath?: string }) {
    const server = new FakeOAuthServer(options)
    this.oauthServer = server
    this.#credentials ??= {}
    this.route('GET', options.authorizePath ?? '/oauth/authorize', (request) => {
      const answer = server.authorize(request.url)
      return answer.location
        ? { status: answer.status, headers: { location: answer.location } }
        : { status: answer.status, body: answer.body }
    })
    this.route('POST', options.tokenPath ?? '/oauth/token', async (request) => {
      const answer = await server.token(
        new URLSearchParams(request.rawBody),
        request.headers.authorization
      )
      return { status: answer.status, body: answer.body, headers: { 'cache-control': 'no-store' } }
    })
    return server
  }

  /** The next `times` requests (to paths containing `path`) are answered `status` (503). */
  fail(options: { status?: number; times?: number; path?: string; method?: string } = {}) {
    this.#faults.push({
      kind: 'status',
      status: options.status ?? 503,
      times: options.times ?? 1,
      ...options,
    })
    return this
  }

  /** The next `times` requests are answered 429 with `Retry-After: <retryAfter>` seconds. */
  rateLimit(options: { retryAfter?: number; times?: number; path?: string } = {}) {
    this.#faults.push({
      kind: 'rate-limit',
      status: 429,
      times: options.times ?? 1,
      retryAfter: options.retryAfter ?? 1,
      path: options.path,
    })
    return this
  }

  /** The next `times` requests hang `ms` before being answered 504 (past a client's timeout). */
  hang(options: { ms: number; times?: number; path?: string }) {
    this.#faults.push({ kind: 'hang', status: 504, times: options.times ?? 1, ...options })
    return this
  }

  /** The recorded requests whose path starts with `prefix` (and of `method`, when given). */
  requestsTo(prefix: string, method?: string) {
    return this.requests.filter(
      (request) =>
        request.pathname.startsWith(prefix) && (!method || request.method === method.toUpperCase())
    )
  }

  async #handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url!, this.#url)
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const rawBody = Buffer.concat(chunks).toString('utf8')
    const send = (answer: FakeAnswer) => this.#send(request, response, url, rawBody, answer)

    const route = this.#routes.find(
      (candidate) => candidate.method === request.method && candidate.pattern.test(url.pathname)
    )
    const isOAuth =
      route !== undefined && this.oauthServer !== null && /^\/oauth\//.test(url.pathname)
    if (!isOAuth && !this.#authorised(request)) {
      return send({ status: 401, body: { message: 'Bad credentials' } })
    }
    const fault = this.#takeFault(request.method!, url.pathname)
    if (fault?.kind === 'hang') {
      await new Promise((resolve) => setTimeout(resolve, fault.ms))
      if (response.destroyed || response.writableEnded)
        return this.#record(request, url, rawBody, 0)
      return send({ status: 504, body: { message: 'Gateway Timeout' } })
    }
    if (fault?.kind === 'rate-limit') {
      return send({
        status: 429,
        body: { message: 'API rate limit exceeded' },
        headers: { 'retry-after': String(fault.retryAfter) },
      })
    }
    if (fault) return send({ status: fault.status, body: { message: 'injected failure' } })
    if (!route) return send({ status: 404, body: { message: 'Not Found' } })

    const match = route.pattern.exec(url.pathname)!
    const params = Object.fromEntries(
      route.names.map((name, index) => [name, decodeURIComponent(match[index + 1])])
    )
    const answer = await route.handler({
      method: request.method!,
      url,
      params,
      headers: request.headers,
      rawBody,
      body: parseBody(rawBody, request.headers['content-type']),
    })
    send(this.#conditional(request, answer))
  }

  #authorised(request: IncomingMessage) {
    const credentials = this.#credentials
    if (!credentials) return true
    const authorization = request.headers.authorization ?? ''
    if (authorization.startsWith('Bearer ')) {
      const token = authorization.slice(7)
      if (credentials.bearer?.includes(token) || this.oauthServer?.accepts(token)) return true
    }
    if (authorization.startsWith('Basic ') && credentials.basic) {
      const pair = Buffer.from(authorization.slice(6), 'base64').toString('utf8')
      const colon = pair.indexOf(':')
      const password = credentials.basic[pair.slice(0, colon)]
      if (colon > 0 && password !== undefined && password === pair.slice(colon + 1)) return true
    }
    if (credentials.header) {
      const sent = request.headers[credentials.header.name.toLowerCase()]
      if (sent === credentials.header.value) return true
    }
    return false
  }

  #takeFault(method: string, pathname: string) {
    const index = this.#faults.findIndex(
      (fault) =>
        (!fault.path || pathname.includes(fault.path)) &&
        (!fault.method || fault.method.toUpperCase() === method)
    )
    if (index === -1) return null
    const fault = this.#faults[index]
    fault.times -= 1
    if (fault.times <= 0) this.#faults.splice(index, 1)
    return fault
  }

  /** GET answers of 200 carry a weak ETag of their body; a request holding it gets 304. */
  #conditional(request: IncomingMessage, answer: FakeAnswer): FakeAnswer {
    const status = answer.status ?? 200
    const headers = answer.headers ?? {}
    if (request.method !== 'GET' || status !== 200 || answer.body === undefined) return answer
    const etag =
      headers.etag ?? `W/"${createHash('sha1').update(JSON.stringify(answer.body)).digest('hex')}"`
    if (request.headers['if-none-match'] === etag) return { status: 304, headers: { etag } }
    return { ...answer, headers: { ...headers, etag } }
  }

  #send(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    rawBody: string,
    answer: FakeAnswer
  ) {
    const status = answer.status ?? 200
    if (status === 200) this.quota.remaining = Math.max(0, this.quota.remaining - 1)
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-ratelimit-limit': String(this.quota.limit),
      'x-ratelimit-remaining': String(this.quota.remaining),
      'x-ratelimit-reset': String(Math.floor(this.quota.resetAt.getTime() / 1000)),
      ...answer.headers,
    }
    const raw =
      typeof answer.body === 'string' || Buffer.isBuffer(answer.body)
        ? answer.body
        : answer.body === undefined || status === 304
          ? undefined
          : JSON.stringify(answer.body)
    this.#record(request, url, rawBody, status)
    response.writeHead(status, headers)
    response.end(raw)
  }

  #record(request: IncomingMessage, url: URL, body: string, status: number) {
    this.requests.push({
      method: request.method!,
      path: url.pathname + url.search,
      pathname: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      body,
      status,
    })
  }
}

/** Starts a fake provider on a loopback port the OS picks; close() it in cleanup. */
export function startFakeProvider(setup?: (provider: FakeProvider) => void) {
  const provider = new FakeProvider()
  setup?.(provider)
  return provider.start()
}

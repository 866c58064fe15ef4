import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { FakeOAuthServer, isPaginationStyle, pagedAnswer } from '#plugin-sdk/testing'
import { withEnv } from '#tests/helpers/env'
import {
  BUILD_STATUS_PATH,
  postBuildStatus,
  type FakeBuildStatuses,
} from './fake_build_statuses.js'

/**
 * A provider API on loopback for the fixture plugins, speaking the wire
 * format real providers use: Link-header pagination (pages of at most
 * 100), ETags with If-None-Match → 304, X-RateLimit-* headers, 429 with
 * Retry-After, and OAuth 2.0 with PKCE and single-use refresh tokens.
 * Faults (5xx, slow responses, rate limits) are injected by the tests.
 * Its list formats and OAuth server are the plugin test kit's
 * (#plugin-sdk/testing), which a plugin's own tests use directly.
 *
 * The same lists are also served in the other providers' pagination
 * styles under `/styles/<style>/repos[/<name>/items]` (see
 * fake_paged_api.ts), and repository archives (zip, as Azure DevOps
 * serves them) under `/archives/<name>.zip`.
 */
export type FakeItem = { id: string; title: string; updated_at: string }
export type FakeRepository = { id: string; name: string; updated_at: string; items: FakeItem[] }

export type FakeFaults = {
  /** share of list requests answered 503, decided by a seeded sequence */
  errorRate?: number
  /** the next N requests to a path containing this text hang past the client timeout */
  hang?: { pathIncludes: string; times: number; ms: number }
  /** the next request is answered 429 with this Retry-After (seconds) */
  rateLimitOnce?: number
  /** every list request waits this long first (a slow provider) */
  latencyMs?: number
  /** next-page links of the /styles lists point at another origin (localhost) */
  foreignNextLinks?: boolean
}

export type FakeProviderState = {
  repositories: FakeRepository[]
  tokens: Set<string>
  faults: FakeFaults
  requests: Array<{ method: string; path: string; status: number }>
  refreshes: number
  rejectedRefreshes: number
  /** repository archives by repository name, with the commit they hold */
  archives: Map<string, { zip: Buffer; sha: string }>
  /** the sites an OAuth grant reaches (GET /accessible-resources, as Jira Cloud) */
  sites: Array<{ id: string; name: string }>
  /** email + API token pairs accepted over HTTP Basic */
  basicLogins: Map<string, string>
  /** each request to the token endpoint: its grant, body type and whether it carried a PKCE verifier */
  tokenRequests: Array<{
    grantType: string
    contentType: string
    codeVerifier: boolean
    /** how the client authenticated (RFC 6749 §2.3.1), null when it did not */
    clientAuth: 'basic' | 'post' | null
  }>
  /** tokens revoked at POST /oauth/revoke (RFC 7009) */
  revocations: Array<{ token: string; hint: string | null }>
  /** the next N revocation requests are answered 503 */
  failRevocations: number
  /** commit build statuses, Bitbucket's way (fake_build_statuses.ts) */
  buildStatuses: FakeBuildStatuses
}

const PAGE_LIMIT = 100
const EPOCH = Date.parse('2026-01-01T00:00:00.000Z')

export function seedRepositories(repositoryCount: number, itemsPerRepository: number) {
  const repositories: FakeRepository[] = []
  for (let r = 0; r < repositoryCount; r++) {
    const items: FakeItem[] = []
    for (let i = 0; i < itemsPerRepository; i++) {
      items.push({
        id: `r${r}-i${i}`,
        title: `Item ${i} of repository ${r}`,
        updated_at: new Date(EPOCH + (r * itemsPerRepository + i) * 1000).toISOString(),
      })
    }
    repositories.push({
      id: `r${r}`,
      name: `repo-${String(r).padStart(2, '0')}`,
      updated_at: new Date(EPOCH + r * 1000).toISOString(),
      items,
    })
  }
  return repositories
}

function newestFirst<T extends { updated_at: string }>(rows: T[]) {
  return [...rows].sort((a, b) => b.updated_at.localeCompare(a.updated_at))
}

/**
 * Starts the fake provider on a port the OS picks and points the fixture
 * plugins at it (FIXTURE_API_URL, read when a connection is used, and
 * inherited by the processes a test spawns); close() stops it and puts
 * the previous value back.
 */
export async function startFakeProvider() {
  const state: FakeProviderState = {
    repositories: [],
    tokens: new Set(['good-token']),
    faults: {},
    requests: [],
    refreshes: 0,
    rejectedRefreshes: 0,
    archives: new Map(),
    sites: [{ id: 'acme', name: 'Acme' }],
    basicLogins: new Map([['fixture-user@example.com', 'good-api-token']]),
    tokenRequests: [],
    revocations: [],
    failRevocations: 0,
    buildStatuses: { statuses: [], failures: 0 },
  }
  const oauth = new FakeOAuthServer({
    clientId: () => process.env.FIXTURE_OAUTH_CLIENT_ID,
    clientSecret: () => process.env.FIXTURE_OAUTH_CLIENT_SECRET,
    accessTokens: state.tokens,
    // Slow enough that a second, unserialised refresh would overlap.
    refreshDelayMs: 100,
  })
  Object.defineProperties(state, {
    refreshes: { get: () => oauth.refreshes },
    rejectedRefreshes: { get: () => oauth.rejectedRefreshes },
  })
  let faultCounter = 0
  let remaining = 5000

  function send(
    request: IncomingMessage,
    response: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {}
  ) {
    state.requests.push({ method: request.method!, path: request.url!, status })
    response.writeHead(status, {
      'content-type': 'application/json',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(0, remaining)),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      ...headers,
    })
    response.end(body === undefined ? undefined : JSON.stringify(body))
  }

  function sendPage<T>(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    rows: T[],
    shape: (row: T) => unknown
  ) {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), PAGE_LIMIT)
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1))
    const slice = rows.slice((page - 1) * perPage, page * perPage).map(shape)
    const body = JSON.stringify(slice)
    const etag = `W/"${createHash('sha1').update(body).digest('hex')}"`
    const links: string[] = []
    const lastPage = Math.max(1, Math.ceil(rows.length / perPage))
    const pageUrl = (n: number) => {
      const next = new URL(url)
      next.searchParams.set('page', String(n))
      return `<${next}>`
    }
    if (page < lastPage)
      links.push(`${pageUrl(page + 1)}; rel="next"`, `${pageUrl(lastPage)}; rel="last"`)
    const headers: Record<string, string> = { etag, 'cache-control': 'private, max-age=60' }
    if (links.length > 0) headers.link = links.join(', ')
    if (request.headers['if-none-match'] === etag)
      return send(request, response, 304, undefined, headers)
    remaining -= 1
    send(request, response, 200, slice, headers)
  }

  async function readBody(request: IncomingMessage) {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  }

  /** A list in another provider's pagination style, with this provider's rate-limit headers. */
  async function sendStyledPage(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    style: string,
    rows: unknown[],
    listKey: string
  ) {
    if (!isPaginationStyle(style)) return send(request, response, 404, { message: 'Not Found' })
    const raw = request.method === 'POST' ? await readBody(request) : ''
    const answer = pagedAnswer(
      style,
      {
        method: request.method!,
        url,
        headers: request.headers,
        body: raw ? JSON.parse(raw) : undefined,
      },
      rows,
      {
        listKey,
        nextOrigin: state.faults.foreignNextLinks
          ? url.origin.replace('127.0.0.1', 'localhost')
          : undefined,
      }
    )
    if (answer.status === 200) remaining -= 1
    send(request, response, answer.status, answer.body, answer.headers)
  }

  function sendArchive(request: IncomingMessage, response: ServerResponse, name: string) {
    const archive = state.archives.get(name)
    if (!archive) return send(request, response, 404, { message: 'Not Found' })
    state.requests.push({ method: request.method!, path: request.url!, status: 200 })
    response.writeHead(200, {
      'content-type': 'application/zip',
      'content-length': String(archive.zip.length),
      'x-commit-id': archive.sha,
    })
    response.end(archive.zip)
  }

  function authorised(request: IncomingMessage) {
    const header = request.headers.authorization ?? ''
    if (header.startsWith('Basic ')) {
      const pair = Buffer.from(header.slice(6), 'base64').toString('utf8')
      const colon = pair.indexOf(':')
      const password = state.basicLogins.get(pair.slice(0, colon))
      return colon > 0 && password !== undefined && password === pair.slice(colon + 1)
    }
    return header.startsWith('Bearer ') && state.tokens.has(header.slice(7))
  }

  async function injectedFault(request: IncomingMessage, response: ServerResponse, url: URL) {
    const { faults } = state
    if (faults.latencyMs) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs))
    if (faults.rateLimitOnce !== undefined) {
      const retryAfter = faults.rateLimitOnce
      delete faults.rateLimitOnce
      send(
        request,
        response,
        429,
        { message: 'rate limited' },
        { 'retry-after': String(retryAfter) }
      )
      return true
    }
    if (faults.hang && faults.hang.times > 0 && url.pathname.includes(faults.hang.pathIncludes)) {
      faults.hang.times -= 1
      await new Promise((resolve) => setTimeout(resolve, faults.hang!.ms))
      if (!response.writableEnded && !response.destroyed) send(request, response, 504)
      return true
    }
    if (faults.errorRate) {
      faultCounter += 1
      // A fixed sequence, so a run is reproducible: every k-th request fails.
      if (faultCounter % Math.round(1 / faults.errorRate) === 0) {
        send(request, response, 503, { message: 'injected failure' })
        return true
      }
    }
    return false
  }

  async function oauthToken(request: IncomingMessage, response: ServerResponse) {
    // RFC 6749 asks for a form; some providers (Atlassian) also take JSON
    const contentType = String(request.headers['content-type'] ?? '').split(';')[0]
    const body = await readBody(request)
    let form: URLSearchParams
    try {
      form =
        contentType === 'application/json'
          ? new URLSearchParams(JSON.parse(body || '{}') as Record<string, string>)
          : new URLSearchParams(body)
    } catch {
      return send(request, response, 400, { error: 'invalid_request' })
    }
    const clientAuth = clientAuthentication(request, form)
    state.tokenRequests.push({
      grantType: form.get('grant_type') ?? '',
      contentType,
      codeVerifier: form.has('code_verifier'),
      clientAuth,
    })
    if (!clientAuth) return send(request, response, 401, { error: 'invalid_client' })
    const answer = await oauth.token(form, request.headers.authorization)
    send(request, response, answer.status, answer.body)
  }

  /**
   * RFC 6749 §2.3.1: the client authenticates with HTTP Basic (id and
   * secret form-urlencoded) or with client_id/client_secret in the body,
   * never both. Answers which, or null when it does not.
   */
  function clientAuthentication(request: IncomingMessage, form: URLSearchParams) {
    const header = String(request.headers.authorization ?? '')
    const expected = [process.env.FIXTURE_OAUTH_CLIENT_ID, process.env.FIXTURE_OAUTH_CLIENT_SECRET]
    if (header.startsWith('Basic ')) {
      if (form.has('client_secret')) return null
      const [id, secret] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')
      const pair = [decodeURIComponent(id ?? ''), decodeURIComponent(secret ?? '')]
      return pair[0] === expected[0] && pair[1] === expected[1] ? ('basic' as const) : null
    }
    return form.get('client_id') === expected[0] && form.get('client_secret') === expected[1]
      ? ('post' as const)
      : null
  }

  /** RFC 7009: the client authenticates; an unknown token is not an error (200 either way) */
  async function oauthRevoke(request: IncomingMessage, response: ServerResponse) {
    const form = new URLSearchParams(await readBody(request))
    if (!clientAuthentication(request, form)) {
      return send(request, response, 401, { error: 'invalid_client' })
    }
    if (state.failRevocations > 0) {
      state.failRevocations -= 1
      return send(request, response, 503, { error: 'temporarily_unavailable' })
    }
    const token = form.get('token') ?? ''
    state.revocations.push({ token, hint: form.get('token_type_hint') })
    oauth.spendRefreshToken(token)
    state.tokens.delete(token)
    send(request, response, 200)
  }

  const server = createServer(async (request, response) => {
    const url = new URL(request.url!, `http://${request.headers.host}`)
    if (url.pathname === '/oauth/revoke' && request.method === 'POST')
      return oauthRevoke(request, response)
    if (url.pathname === '/oauth/authorize') {
      const answer = oauth.authorize(url)
      if (!answer.location) return send(request, response, answer.status, answer.body)
      return send(request, response, answer.status, undefined, { location: answer.location })
    }
    if (url.pathname === '/oauth/token' && request.method === 'POST')
      return oauthToken(request, response)
    if (!authorised(request)) return send(request, response, 401, { message: 'Bad credentials' })
    if (await injectedFault(request, response, url)) return
    if (url.pathname === '/user')
      return send(request, response, 200, { login: 'fixture-user', workspace: 'acme' })
    if (url.pathname === '/accessible-resources') {
      const sites = state.sites.map((site) => ({ ...site, url: `https://${site.id}.example` }))
      return send(request, response, 200, sites)
    }
    const siteApi = /^\/sites\/([^/]+)\/user$/.exec(url.pathname)
    if (siteApi) {
      const site = state.sites.find((candidate) => candidate.id === siteApi[1])
      if (!site) return send(request, response, 404, { message: 'Not Found' })
      return send(request, response, 200, { login: 'fixture-user', site: site.id })
    }
    if (url.pathname === '/repos') {
      return sendPage(
        request,
        response,
        url,
        newestFirst(state.repositories),
        ({ items, ...repository }) => repository
      )
    }
    const styled = /^\/styles\/([^/]+)\/repos(?:\/([^/]+)\/items)?$/.exec(url.pathname)
    if (styled) {
      const [, style, name] = styled
      if (!name) {
        const rows = newestFirst(state.repositories).map(({ items, ...repository }) => repository)
        return sendStyledPage(request, response, url, style, rows, 'repositories')
      }
      const owner = state.repositories.find((candidate) => candidate.name === name)
      if (!owner) return send(request, response, 404, { message: 'Not Found' })
      return sendStyledPage(request, response, url, style, newestFirst(owner.items), 'items')
    }
    const buildStatus = BUILD_STATUS_PATH.exec(url.pathname)
    if (buildStatus && request.method === 'POST') {
      const raw = await readBody(request)
      let body: unknown = null
      try {
        body = JSON.parse(raw)
      } catch {}
      const base = `http://${request.headers.host}`
      const answer = postBuildStatus(
        state.buildStatuses,
        base,
        buildStatus[1],
        buildStatus[2],
        body
      )
      return send(request, response, answer.status, answer.body)
    }
    const archive = /^\/archives\/([^/]+)\.zip$/.exec(url.pathname)
    if (archive) return sendArchive(request, response, archive[1])
    const itemsMatch = /^\/repos\/([^/]+)\/items$/.exec(url.pathname)
    const repository =
      itemsMatch && state.repositories.find((candidate) => candidate.name === itemsMatch[1])
    if (repository)
      return sendPage(request, response, url, newestFirst(repository.items), (item) => item)
    send(request, response, 404, { message: 'Not Found' })
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  const restoreEnv = withEnv({ FIXTURE_API_URL: url })
  return {
    url,
    state,
    /** changes one item: it becomes the most recently updated */
    touchItem(repositoryIndex: number, itemIndex: number, title: string) {
      const item = state.repositories[repositoryIndex].items[itemIndex]
      item.title = title
      item.updated_at = new Date().toISOString()
    },
    /** a live access/refresh token pair, as if an authorization had just completed */
    issueTokens() {
      return oauth.issueTokens()
    },
    listRequests() {
      return state.requests.filter((request) => request.path.startsWith('/repos'))
    },
    reset() {
      state.requests.length = 0
      state.tokenRequests.length = 0
      state.revocations.length = 0
      state.failRevocations = 0
      state.faults = {}
      state.archives.clear()
      state.buildStatuses = { statuses: [], failures: 0 }
      state.sites = [{ id: 'acme', name: 'Acme' }]
    },
    /** the zip archive served for a repository, holding commit `sha` */
    setArchive(name: string, zip: Buffer, sha: string) {
      state.archives.set(name, { zip, sha })
    },
    close() {
      restoreEnv()
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export type FakeProvider = Awaited<ReturnType<typeof startFakeProvider>>

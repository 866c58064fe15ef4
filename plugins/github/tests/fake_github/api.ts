import { createHash, randomBytes, type KeyObject } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  failure,
  httpDate,
  notFound,
  parseBody,
  type ApiContext,
  type Caller,
  type Reply,
} from './http.js'
import { JWT_UNDECODABLE, looksLikeJwt, verifyAppJwt } from './jwt.js'
import { ROUTES, type Route } from './routes.js'
import { findRepository, type FakeGitHubState, type RecordedRequest } from './state.js'

/**
 * The REST API side: who is calling, which route, whether that caller
 * may use it, and the headers every GitHub answer carries (rate limits,
 * ETag with If-None-Match → 304, request id). Injected faults come
 * first, as a real rate limiter would answer before any route.
 */
const NOT_FOR_INTEGRATIONS = 'Resource not accessible by integration'

const AUTHENTICATED_LIMIT = 5000
const ANONYMOUS_LIMIT = 60
const RATE_LIMIT_DOCS =
  'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api'

export function requestId() {
  const hex = (bytes: number) => randomBytes(bytes).toString('hex').toUpperCase()
  return `${hex(2)}:${hex(3)}:${hex(3)}:${hex(3)}:${hex(4)}`
}

/** how a request authenticated, for the request log */
export function presentedKind(caller: Caller): RecordedRequest['authorization'] {
  return caller.kind === 'invalid' ? caller.presented : caller.kind
}

export function createApi(state: FakeGitHubState, appKey: KeyObject, base: () => string) {
  const buckets = new Map<string, { used: number; reset: number }>()

  function identify(header: string | undefined): Caller {
    if (!header) return { kind: 'none' }
    const token = /^(?:bearer|token)\s+(\S+)$/i.exec(header.trim())?.[1] ?? ''
    const bad = (
      presented: 'jwt' | 'installation' | 'user' | 'none',
      message = 'Bad credentials'
    ) => ({ kind: 'invalid', presented, message, token }) as const
    if (looksLikeJwt(token)) {
      const verdict = verifyAppJwt(token, state.appKey ?? appKey, {
        id: state.app.id,
        clientId: state.app.clientId,
      })
      return verdict.valid ? { kind: 'jwt', token } : bad('jwt', verdict.message)
    }
    if (token.startsWith('ghs_')) {
      const grant = state.installationTokens.get(token)
      if (!grant || grant.expiresAt <= Date.now()) return bad('installation')
      return {
        kind: 'installation',
        token,
        installationId: grant.installationId,
        repositoryIds: grant.repositoryIds,
      }
    }
    // user tokens from the OAuth web flow, and personal access tokens (fine-grained and classic)
    if (token.startsWith('ghu_') || token.startsWith('github_pat_') || token.startsWith('ghp_')) {
      const login = state.userTokens.get(token)
      return login ? { kind: 'user', token, login } : bad('user')
    }
    return bad('none')
  }

  /** rate-limit bookkeeping per token (per address when anonymous), in hour windows */
  function bucketFor(caller: Caller, request: IncomingMessage) {
    const valid = caller.kind !== 'none' && caller.kind !== 'invalid'
    const key = valid ? caller.token : `anonymous:${request.socket.remoteAddress}`
    const now = Math.floor(Date.now() / 1000)
    let bucket = buckets.get(key)
    if (!bucket || bucket.reset <= now) buckets.set(key, (bucket = { used: 0, reset: now + 3600 }))
    return { bucket, limit: valid ? AUTHENTICATED_LIMIT : ANONYMOUS_LIMIT }
  }

  /** the answer a real rate limiter gives before any route runs, if any */
  function rateLimited(caller: Caller, limit: number, used: number): Reply | null {
    const { faults } = state
    const who =
      caller.kind === 'installation'
        ? `installation ID ${caller.installationId}`
        : caller.kind === 'none'
          ? '127.0.0.1'
          : 'this token'
    if (faults.secondaryRateLimitOnce) {
      faults.secondaryRateLimitOnce = false
      return {
        ...failure(
          403,
          `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId()}.`,
          `${RATE_LIMIT_DOCS}#about-secondary-rate-limits`
        ),
        headers: { 'retry-after': '1' },
      }
    }
    if (faults.primaryRateLimitOnce || used >= limit) {
      faults.primaryRateLimitOnce = false
      return {
        ...failure(
          403,
          `API rate limit exceeded for ${who}.`,
          `${RATE_LIMIT_DOCS}#about-primary-rate-limits`
        ),
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-used': String(limit),
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1),
        },
      }
    }
    return null
  }

  /** whether this caller may use the route: an error answer, or the repository for repo routes */
  function gate(
    entry: Route,
    caller: Caller,
    params: string[]
  ): Reply | { repository?: ReturnType<typeof findRepository> } {
    if (caller.kind === 'invalid') return failure(401, caller.message)
    const { scope } = entry
    if (scope === 'jwt') return caller.kind === 'jwt' ? {} : failure(401, JWT_UNDECODABLE)
    if (caller.kind === 'none' && scope !== 'repo') return failure(401, 'Requires authentication')
    const wrongKind = ('wrongKind' in entry ? entry.wrongKind : undefined) ?? NOT_FOR_INTEGRATIONS
    if (scope === 'installation')
      return caller.kind === 'installation' ? {} : failure(403, wrongKind)
    if (scope === 'user') return caller.kind === 'user' ? {} : failure(403, wrongKind)
    if (caller.kind === 'jwt') return failure(403, NOT_FOR_INTEGRATIONS)
    if (scope === 'repo-write' && caller.kind === 'user')
      return failure(403, 'You must authenticate via a GitHub App.')
    // Repositories the caller cannot see are 404s, never 403s: GitHub does not reveal them.
    const repository = findRepository(state, `${params[0]}/${params[1]}`)
    if (!repository) return notFound()
    const visible =
      caller.kind === 'none'
        ? !repository.private
        : caller.kind === 'installation'
          ? repository.installationId === caller.installationId &&
            (caller.repositoryIds === null || caller.repositoryIds.includes(repository.id))
          : state.users
              .find((user) => user.login === caller.login)
              ?.installationIds.includes(repository.installationId)
    return visible ? { repository } : notFound()
  }

  function answer(request: IncomingMessage, url: URL, caller: Caller, rawBody: string): Reply {
    const entry = ROUTES.find(
      (candidate) => candidate.method === request.method && candidate.pattern.test(url.pathname)
    )
    if (!entry) return notFound()
    const params = entry.pattern.exec(url.pathname)!.slice(1)
    const verdict = gate(entry, caller, params)
    if ('status' in verdict) return verdict
    const body = parseBody(rawBody, request.headers['content-type'] ?? 'application/json')
    if (body === null) return failure(400, 'Problems parsing JSON')
    const context: ApiContext = {
      state,
      base: base(),
      url,
      method: request.method!,
      params,
      caller,
      body,
    }
    if (entry.scope === 'repo' || entry.scope === 'repo-write') {
      return entry.handler({ ...context, repository: verdict.repository! })
    }
    return (entry.handler as (c: ApiContext) => Reply)(context)
  }

  return function handleApi(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    rawBody: string
  ) {
    const caller = identify(request.headers.authorization)
    const { bucket, limit } = bucketFor(caller, request)
    const reply = rateLimited(caller, limit, bucket.used) ?? answer(request, url, caller, rawBody)

    let status = reply.status
    let payload = reply.body === undefined ? '' : JSON.stringify(reply.body)
    const headers: Record<string, string> = {}
    if (request.method === 'GET' && status === 200) {
      // GitHub's ETags vary with the credentials, so the token goes into the hash.
      const etag = `"${createHash('sha256')
        .update(payload)
        .update('\0')
        .update(request.headers.authorization ?? '')
        .digest('hex')}"`
      headers.etag = etag
      headers['cache-control'] =
        caller.kind === 'none'
          ? 'public, max-age=60, s-maxage=60'
          : 'private, max-age=60, s-maxage=60'
      if (reply.lastModified) headers['last-modified'] = httpDate(reply.lastModified)
      if (notModified(request, etag, reply.lastModified)) {
        status = 304
        payload = ''
      }
    }
    // Per GitHub, a 304 does not count against the rate limit.
    if (status !== 304 && reply.headers?.['x-ratelimit-remaining'] !== '0') bucket.used += 1
    Object.assign(headers, {
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': requestId(),
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - bucket.used)),
      'x-ratelimit-reset': String(bucket.reset),
      'x-ratelimit-used': String(bucket.used),
      'x-ratelimit-resource': 'core',
      'vary': 'Accept, Authorization, Cookie, X-GitHub-OTP',
      ...reply.headers,
    })
    if (payload !== '') headers['content-type'] = 'application/json; charset=utf-8'
    state.requests.push({
      method: request.method!,
      path: request.url!,
      status,
      authorization: presentedKind(caller),
      ...(caller.kind === 'installation' ||
      (caller.kind === 'invalid' && caller.presented === 'installation')
        ? { installationToken: caller.token }
        : {}),
    })
    response.writeHead(status, headers)
    response.end(status === 304 ? undefined : payload)
  }
}

function notModified(request: IncomingMessage, etag: string, lastModified?: number) {
  const ifNoneMatch = request.headers['if-none-match']
  if (ifNoneMatch) {
    return ifNoneMatch.split(',').some((candidate) => {
      const tag = candidate.trim().replace(/^W\//, '')
      return tag === '*' || tag === etag
    })
  }
  const ifModifiedSince = request.headers['if-modified-since']
  if (ifModifiedSince && lastModified) return lastModified * 1000 <= Date.parse(ifModifiedSince)
  return false
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { JqlError } from './issues.js'
import { emptyState, type FakeSite, type FakeState } from './state.js'
import { readBody, type Answer } from './http.js'
import { api } from './api.js'
import { charge, refused } from './quota.js'
import { ME } from './me.js'

/**
 * A fake Jira on loopback speaking Jira's documented REST wire format:
 * the Atlassian OAuth 2.0 (3LO) server (authorize, token with rotating
 * refresh tokens that refuse reuse, accessible-resources), the API
 * gateway's /ex/jira/{cloudId}, a Cloud site at the root (email + API
 * token over Basic) and a Data Center server (personal access token),
 * /myself, project search, the enhanced JQL search paged by
 * nextPageToken, Data Center's search paged by startAt/total, the
 * changelog endpoint, /field, dynamic webhooks, 429 with Retry-After,
 * and the points quota of OAuth apps with its rate-limit headers.
 */

export { ME }
export const CLIENT = { id: 'jira-test-client', secret: 'jira-test-secret-not-secret' }

function parseForm(text: string, type: string | undefined): Record<string, string> {
  if (type?.includes('json')) return JSON.parse(text || '{}') as Record<string, string>
  return Object.fromEntries(new URLSearchParams(text))
}

export async function startFakeJira() {
  let state: FakeState = emptyState()
  /** the site served at the root path (Basic or a personal access token) */
  let rootSite = 'server'

  function site(id: string): FakeSite {
    let found = state.sites.get(id)
    if (!found) {
      found = {
        id,
        name: id,
        url: `https://${id}.atlassian.net`,
        projects: [],
        issues: [],
        timeZone: 'UTC',
      }
      state.sites.set(id, found)
    }
    return found
  }

  async function token(request: IncomingMessage): Promise<Answer> {
    const form = parseForm(await readBody(request), request.headers['content-type'])
    if (form.client_id !== CLIENT.id || form.client_secret !== CLIENT.secret) {
      return { status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } }
    }
    let sites: string[]
    if (form.grant_type === 'authorization_code') {
      const grant = state.codes.get(form.code ?? '')
      state.codes.delete(form.code ?? '')
      if (!grant || grant.redirectUri !== form.redirect_uri)
        return { status: 403, body: { error: 'invalid_grant' } }
      sites = [...state.grantSites]
    } else if (form.grant_type === 'refresh_token') {
      const refresh = form.refresh_token ?? ''
      if (state.refreshTokens.get(refresh) !== 'live') {
        state.rejectedRefreshes += 1
        return {
          status: 403,
          body: { error: 'unauthorized_client', error_description: 'refresh_token is invalid' },
        }
      }
      state.refreshTokens.set(refresh, 'spent')
      state.refreshes += 1
      sites = [...state.grantSites]
      // slow enough that an unserialised second refresh would overlap
      await new Promise((resolve) => setTimeout(resolve, 100))
    } else {
      return { status: 400, body: { error: 'unsupported_grant_type' } }
    }
    const issued = grantTokens(sites)
    return {
      status: 200,
      body: {
        access_token: issued.accessToken,
        refresh_token: issued.refreshToken,
        expires_in: 3600,
        token_type: 'Bearer',
        scope: 'read:jira-work read:jira-user manage:jira-webhook offline_access',
      },
    }
  }

  function grantTokens(sites: string[]) {
    const accessToken = `at-${randomBytes(12).toString('hex')}`
    const refreshToken = `rt-${randomBytes(12).toString('hex')}`
    state.accessTokens.set(accessToken, sites)
    state.refreshTokens.set(refreshToken, 'live')
    return { accessToken, refreshToken }
  }

  function bearer(request: IncomingMessage) {
    const header = request.headers.authorization ?? ''
    return header.startsWith('Bearer ') ? header.slice(7) : null
  }

  /** Basic email:token or a personal access token, for the root site */
  function rootAuthorised(request: IncomingMessage) {
    const header = request.headers.authorization ?? ''
    if (header.startsWith('Basic ')) {
      const [email, apiToken] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')
      return state.apiTokens.get(email) === apiToken
    }
    const pat = bearer(request)
    return pat !== null && state.personalTokens.has(pat)
  }

  async function route(request: IncomingMessage, url: URL): Promise<Answer & { site?: string }> {
    // the API gateway (api.atlassian.com) is served under /gateway, the sites at the root
    const path = url.pathname.replace(/^\/gateway(?=\/)/, '')
    if (path === '/authorize') {
      if (
        url.searchParams.get('client_id') !== CLIENT.id ||
        url.searchParams.get('audience') !== 'api.atlassian.com'
      ) {
        return { status: 400, body: 'invalid client or audience' }
      }
      const code = randomBytes(8).toString('hex')
      const redirectUri = url.searchParams.get('redirect_uri') ?? ''
      state.codes.set(code, { redirectUri })
      const back = new URL(redirectUri)
      back.searchParams.set('code', code)
      back.searchParams.set('state', url.searchParams.get('state') ?? '')
      return { status: 302, headers: { location: back.toString() } }
    }
    if (path === '/oauth/token' && request.method === 'POST') return token(request)
    if (path === '/oauth/token/accessible-resources') {
      const sites = state.accessTokens.get(bearer(request) ?? '')
      if (!sites) return { status: 401, body: { code: 401, message: 'Unauthorized' } }
      return {
        status: 200,
        body: sites.map((id) => ({
          id,
          name: site(id).name,
          url: site(id).url,
          scopes: ['read:jira-work', 'read:jira-user', 'manage:jira-webhook'],
          avatarUrl: `https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png`,
        })),
      }
    }
    if (state.throttle.remaining > 0) {
      state.throttle.remaining -= 1
      return {
        status: 429,
        body: { errorMessages: ['Rate limit exceeded'] },
        headers: { 'retry-after': String(state.throttle.retryAfter) },
      }
    }
    const gateway = /^\/ex\/jira\/([^/]+)(\/rest\/.*)$/.exec(path)
    if (gateway) {
      const sites = state.accessTokens.get(bearer(request) ?? '')
      if (!sites) return { status: 401, body: { code: 401, message: 'Unauthorized' } }
      if (!sites.includes(gateway[1]))
        return { status: 404, body: { errorMessages: ['Site not found'] } }
      // OAuth 2.0 apps spend the site's points quota, when the test set one
      const limited = state.quota ? refused(state.quota) : null
      if (limited) return { ...limited, site: gateway[1] }
      const answer = await api(state, request, site(gateway[1]), gateway[2], url, true)
      return { ...(state.quota ? charge(state.quota, answer) : answer), site: gateway[1] }
    }
    if (path.startsWith('/rest/')) {
      if (!rootAuthorised(request))
        return { status: 401, body: { errorMessages: ['You are not authenticated.'] } }
      return { ...(await api(state, request, site(rootSite), path, url, false)), site: rootSite }
    }
    return { status: 404, body: { errorMessages: ['Not found'] } }
  }

  const server = createServer(async (request, response: ServerResponse) => {
    const url = new URL(request.url!, `http://${request.headers.host}`)
    let answer: Answer & { site?: string }
    try {
      answer = await route(request, url)
    } catch (error) {
      answer =
        error instanceof JqlError
          ? { status: 400, body: { errorMessages: [error.message] } }
          : { status: 500, body: { errorMessages: [String(error)] } }
    }
    state.requests.push({
      at: Date.now(),
      method: request.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      status: answer.status,
      site: answer.site ?? null,
      authorization: request.headers.authorization ?? '',
      issues: (answer.body as { issues?: Array<{ key: string }> } | undefined)?.issues?.map(
        (issue) => issue.key
      ),
    })
    const json = answer.body !== undefined && typeof answer.body !== 'string'
    response.writeHead(answer.status, {
      ...(answer.body !== undefined
        ? { 'content-type': json ? 'application/json' : 'text/plain' }
        : {}),
      ...answer.headers,
    })
    response.end(
      answer.body === undefined ? undefined : json ? JSON.stringify(answer.body) : answer.body
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${address.port}`,
    /** where api.atlassian.com's role is played */
    gatewayUrl: `http://127.0.0.1:${address.port}/gateway`,
    get state() {
      return state
    },
    site,
    set rootSite(id: string) {
      rootSite = id
    },
    reset() {
      state = emptyState()
      rootSite = 'server'
    },
    /** a live token pair for the sites, as if an authorisation had just completed */
    grant(sites: string[]) {
      return grantTokens(sites)
    },
    requestsTo(pattern: RegExp) {
      return state.requests.filter((request) => pattern.test(request.path))
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export type FakeJira = Awaited<ReturnType<typeof startFakeJira>>

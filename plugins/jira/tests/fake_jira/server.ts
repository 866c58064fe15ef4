import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { issueJson, changelogOf, cloudUser, JqlError, runJql, serverUser } from './issues.js'
import { emptyState, type FakeSite, type FakeState, type FakeUser } from './state.js'

/**
 * A fake Jira on loopback speaking Jira's documented REST wire format:
 * the Atlassian OAuth 2.0 (3LO) server (authorize, token with rotating
 * refresh tokens that refuse reuse, accessible-resources), the API
 * gateway's /ex/jira/{cloudId}, a Cloud site at the root (email + API
 * token over Basic) and a Data Center server (personal access token),
 * /myself, project search, the enhanced JQL search paged by
 * nextPageToken, Data Center's search paged by startAt/total, the
 * changelog endpoint, dynamic webhooks, and 429 with Retry-After.
 */

export const CLIENT = { id: 'jira-test-client', secret: 'jira-test-secret-not-secret' }
export const ME: FakeUser = {
  accountId: '5b10ac8d82e05b22cc7d4ef5',
  name: 'mia',
  displayName: 'Mia Krystof',
  emailAddress: 'mia@example.com',
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> }

async function readBody(request: IncomingMessage) {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

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

  async function api(
    request: IncomingMessage,
    target: FakeSite,
    path: string,
    url: URL,
    app: boolean
  ): Promise<Answer> {
    const cloud = path.startsWith('/rest/api/3/')
    const version = cloud ? 3 : 2
    const method = request.method ?? 'GET'
    if (path === `/rest/api/${version}/myself`) {
      return {
        status: 200,
        body: { ...(cloud ? cloudUser(ME) : serverUser(ME)), timeZone: target.timeZone },
      }
    }
    if (path === '/rest/api/3/project/search') {
      const startAt = Number(url.searchParams.get('startAt') ?? 0)
      const maxResults = Number(url.searchParams.get('maxResults') ?? 50)
      const values = target.projects.slice(startAt, startAt + maxResults)
      return {
        status: 200,
        body: {
          startAt,
          maxResults,
          total: target.projects.length,
          isLast: startAt + values.length >= target.projects.length,
          values,
        },
      }
    }
    if (path === '/rest/api/2/project') return { status: 200, body: target.projects }
    if (path === '/rest/api/3/search/jql' && method === 'GET') {
      const maxResults = Math.min(Number(url.searchParams.get('maxResults') ?? 50), 100)
      const offset = url.searchParams.get('nextPageToken')
        ? Number(Buffer.from(url.searchParams.get('nextPageToken')!, 'base64url').toString())
        : 0
      const expand = (url.searchParams.get('expand') ?? '').split(',')
      const all = runJql(target, url.searchParams.get('jql') ?? '', true)
      const issues = all
        .slice(offset, offset + maxResults)
        .map((issue) => issueJson(target, issue, true, expand))
      const next = offset + maxResults < all.length
      return {
        status: 200,
        body: {
          issues,
          isLast: !next,
          ...(next
            ? { nextPageToken: Buffer.from(String(offset + maxResults)).toString('base64url') }
            : {}),
        },
      }
    }
    if (path === '/rest/api/2/search' && method === 'GET') {
      const startAt = Number(url.searchParams.get('startAt') ?? 0)
      const maxResults = Math.min(Number(url.searchParams.get('maxResults') ?? 50), 50)
      const expand = (url.searchParams.get('expand') ?? '').split(',')
      const all = runJql(target, url.searchParams.get('jql') ?? '', false)
      const issues = all
        .slice(startAt, startAt + maxResults)
        .map((issue) => issueJson(target, issue, false, expand))
      return { status: 200, body: { startAt, maxResults, total: all.length, issues } }
    }
    const changelog = /^\/rest\/api\/3\/issue\/([^/]+)\/changelog$/.exec(path)
    if (changelog) {
      const issue = target.issues.find(
        (candidate) => candidate.key === changelog[1] || candidate.id === changelog[1]
      )
      if (!issue)
        return {
          status: 404,
          body: {
            errorMessages: ['Issue does not exist or you do not have permission to see it.'],
          },
        }
      const startAt = Number(url.searchParams.get('startAt') ?? 0)
      const maxResults = Math.min(Number(url.searchParams.get('maxResults') ?? 100), 100)
      const histories = changelogOf(issue, true, 100_000).histories
      const values = histories.slice(startAt, startAt + maxResults)
      return {
        status: 200,
        body: {
          startAt,
          maxResults,
          total: histories.length,
          isLast: startAt + values.length >= histories.length,
          values,
        },
      }
    }
    if (path.startsWith('/rest/webhooks/1.0/webhook') && !app)
      return adminWebhooks(request, target, path, method)
    if (path.startsWith('/rest/api/3/webhook')) {
      if (!app)
        return {
          status: 403,
          body: { errorMessages: ['Only Connect and OAuth 2.0 apps can use this operation.'] },
        }
      return webhooks(request, target, path, method)
    }
    return { status: 404, body: { errorMessages: [`No route for ${method} ${path}`] } }
  }

  async function adminWebhooks(
    request: IncomingMessage,
    target: FakeSite,
    path: string,
    method: string
  ): Promise<Answer> {
    if (!state.rootAdmin)
      return { status: 403, body: { errorMessages: ['You are not an administrator.'] } }
    if (path === '/rest/webhooks/1.0/webhook' && method === 'POST') {
      const body = JSON.parse(await readBody(request)) as Record<string, unknown>
      const id = String(state.nextWebhookId++)
      state.adminWebhooks.set(id, {
        url: String(body.url),
        events: body.events as string[],
        filter: (body.filters as Record<string, string>)['issue-related-events-section'],
        secret: String(body.secret ?? ''),
      })
      return {
        status: 201,
        body: {
          self: `${target.url}/rest/webhooks/1.0/webhook/${id}`,
          name: body.name,
          url: body.url,
        },
      }
    }
    const one = /^\/rest\/webhooks\/1\.0\/webhook\/(\d+)$/.exec(path)
    if (one && method === 'DELETE') {
      if (!state.adminWebhooks.delete(one[1]))
        return { status: 404, body: { errorMessages: ['No webhook'] } }
      return { status: 204 }
    }
    return { status: 405, body: { errorMessages: ['Method not allowed'] } }
  }

  async function webhooks(
    request: IncomingMessage,
    target: FakeSite,
    path: string,
    method: string
  ): Promise<Answer> {
    const body =
      method === 'GET'
        ? {}
        : (JSON.parse((await readBody(request)) || '{}') as Record<string, unknown>)
    const thirtyDays = () => new Date(Date.now() + 30 * 86_400_000)
    if (path === '/rest/api/3/webhook' && method === 'POST') {
      const list = body.webhooks as Array<{ events: string[]; jqlFilter: string }>
      const result = list.map((hook) => {
        const id = state.nextWebhookId++
        state.webhooks.set(id, {
          id,
          site: target.id,
          url: String(body.url),
          events: hook.events,
          jqlFilter: hook.jqlFilter,
          expirationDate: thirtyDays(),
        })
        return { createdWebhookId: id }
      })
      return { status: 200, body: { webhookRegistrationResult: result } }
    }
    const ids = (body.webhookIds as number[] | undefined) ?? []
    if (path === '/rest/api/3/webhook/refresh' && method === 'PUT') {
      const expirationDate = thirtyDays()
      for (const id of ids) {
        const hook = state.webhooks.get(id)
        if (hook && hook.site === target.id) hook.expirationDate = expirationDate
      }
      return { status: 200, body: { expirationDate: expirationDate.toISOString() } }
    }
    if (path === '/rest/api/3/webhook' && method === 'DELETE') {
      for (const id of ids)
        if (state.webhooks.get(id)?.site === target.id) state.webhooks.delete(id)
      return { status: 202 }
    }
    return { status: 405, body: { errorMessages: ['Method not allowed'] } }
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
      return { ...(await api(request, site(gateway[1]), gateway[2], url, true)), site: gateway[1] }
    }
    if (path.startsWith('/rest/')) {
      if (!rootAuthorised(request))
        return { status: 401, body: { errorMessages: ['You are not authenticated.'] } }
      return { ...(await api(request, site(rootSite), path, url, false)), site: rootSite }
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

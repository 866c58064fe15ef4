import { createHmac, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { withEnv } from '#plugin-sdk/testing'
import { apiRoute } from './api.js'
import { oauthServer } from './oauth.js'
import { newState, type FakeState } from './state.js'
import { tarball, tarballFolder } from './tarballs.js'

async function readBody(request: IncomingMessage) {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** what a credential reaches: OAuth and API tokens the user's workspaces, a workspace token one */
function callerOf(state: FakeState, header: string | undefined) {
  if (header?.startsWith('Bearer ')) {
    const token = header.slice(7)
    if (state.tokens.has(token)) return { workspaces: 'all' as const, user: true }
    const workspace = state.workspaceTokens.get(token)
    if (workspace) return { workspaces: [workspace], user: false }
  }
  if (header?.startsWith('Basic ')) {
    const pair = Buffer.from(header.slice(6), 'base64').toString('utf8')
    const colon = pair.indexOf(':')
    if (colon > 0 && state.apiTokens.get(pair.slice(0, colon)) === pair.slice(colon + 1)) {
      return { workspaces: 'all' as const, user: true }
    }
  }
  return null
}

/**
 * Fake Bitbucket Cloud on loopback: the OAuth 2.0 server
 * (/site/oauth2/...) and the REST API 2.0 (/2.0/...) on one port the OS
 * picks. BITBUCKET_API_URL, BITBUCKET_URL and the consumer's key and
 * secret point the plugin at it until stop().
 */
export async function startFakeBitbucket() {
  const state = newState()
  const oauth = oauthServer(state)

  function send(
    request: IncomingMessage,
    response: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {}
  ) {
    state.requests.push({ method: request.method!, path: request.url!, status })
    response.writeHead(
      status,
      body === undefined ? headers : { 'content-type': 'application/json', ...headers }
    )
    response.end(body === undefined ? undefined : JSON.stringify(body))
  }

  const server = createServer(async (request, response) => {
    const url = new URL(request.url!, base)
    const text = await readBody(request)
    if (url.pathname === '/site/oauth2/authorize') {
      const location = oauth.authorize(url)
      if (!location) return send(request, response, 400, { error: 'invalid_client' })
      return send(request, response, 302, undefined, { location })
    }
    if (url.pathname === '/site/oauth2/access_token' && request.method === 'POST') {
      const [status, body] = await oauth.token(request, text)
      return send(request, response, status, body)
    }
    const caller = callerOf(state, request.headers.authorization)
    if (!caller)
      return send(request, response, 401, { type: 'error', error: { message: 'Unauthorized' } })
    if (state.rateLimitOnce !== undefined) {
      const retryAfter = state.rateLimitOnce
      state.rateLimitOnce = undefined
      return send(
        request,
        response,
        429,
        { type: 'error', error: { message: 'Rate limit for this resource has been exceeded' } },
        { 'retry-after': String(retryAfter) }
      )
    }
    // a commit's raw diff against its first parent, as text/plain
    const diffMatch = /^\/2\.0\/repositories\/([^/]+)\/([^/]+)\/diff\/([0-9a-f]+)$/.exec(
      url.pathname
    )
    if (diffMatch) {
      const [, workspace, slug, hash] = diffMatch
      const repository = state.repositories.get(`${workspace}/${slug}`)
      const commit = [
        ...(repository?.commits ?? []),
        ...(repository?.pullRequests ?? []).flatMap((pull) => pull.commits ?? []),
      ].find((candidate) => candidate.hash === hash)
      if (!commit) {
        return send(request, response, 404, {
          type: 'error',
          error: { message: 'Commit not found' },
        })
      }
      state.requests.push({ method: request.method!, path: request.url!, status: 200 })
      response.writeHead(200, { 'content-type': 'text/plain' })
      return response.end(commit.diff ?? readmeDiff(hash))
    }
    const archiveMatch = /^\/([^/]+)\/([^/]+)\/get\/([0-9a-f]+)\.tar\.gz$/.exec(url.pathname)
    if (archiveMatch) {
      const [, workspace, slug, sha] = archiveMatch
      const repository = state.repositories.get(`${workspace}/${slug}`)
      let archive = repository?.tarballs.get(sha)
      // any commit of the repository has its tarball: a README unless a test set the entries
      if (!archive && repository?.commits.some((commit) => commit.hash === sha)) {
        const prefix = tarballFolder(workspace, slug, sha)
        archive = await tarball([
          { name: prefix, type: 'directory' },
          { name: `${prefix}README.md`, type: 'file', content: `# ${slug}\n` },
        ])
      }
      if (!archive)
        return send(request, response, 404, { type: 'error', error: { message: 'Not found' } })
      state.requests.push({ method: 'GET', path: request.url!, status: 200 })
      response.writeHead(200, { 'content-type': 'application/x-gzip' })
      return response.end(archive)
    }
    let body: unknown
    try {
      body = text ? JSON.parse(text) : undefined
    } catch {
      return send(request, response, 400, { type: 'error', error: { message: 'Malformed JSON' } })
    }
    const [status, answer, headers] = apiRoute(state, base, caller, request.method!, url, body)
    send(request, response, status, answer, headers)
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const restoreEnv = withEnv({
    BITBUCKET_API_URL: base,
    BITBUCKET_URL: base,
    BITBUCKET_OAUTH_CONSUMER_KEY: state.consumer.key,
    BITBUCKET_OAUTH_CONSUMER_SECRET: state.consumer.secret,
  })

  return {
    url: base,
    state,
    /** a live OAuth token pair, as if an authorisation had just completed */
    issueTokens: () => oauth.issue(),
    resetRequests() {
      state.requests.length = 0
    },
    /**
     * Sends a delivery as Bitbucket does for a registered webhook: the
     * event in X-Event-Key, a fresh X-Request-UUID, and X-Hub-Signature
     * (sha256= HMAC of the body with the hook's secret).
     */
    async deliver(
      hookUuid: string,
      event: string,
      payload: unknown,
      options: { requestUuid?: string; secret?: string; to?: string } = {}
    ) {
      const hook = state.hooks.get(hookUuid)
      if (!hook) throw new Error(`no webhook ${hookUuid}`)
      const body = JSON.stringify(payload)
      const secret = options.secret ?? hook.secret
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'Bitbucket-Webhooks/2.0',
        'x-event-key': event,
        'x-request-uuid': options.requestUuid ?? randomUUID(),
        'x-hook-uuid': hookUuid.replace(/[{}]/g, ''),
        'x-attempt-number': '1',
      }
      if (secret)
        headers['x-hub-signature'] =
          `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
      return fetch(options.to ?? hook.url, { method: 'POST', headers, body })
    },
    async stop() {
      restoreEnv()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export type FakeBitbucket = Awaited<ReturnType<typeof startFakeBitbucket>>

/** the diff a commit without its own gives: one line added to README.md */
function readmeDiff(hash: string) {
  return [
    'diff --git a/README.md b/README.md',
    `index 0000000..${hash.slice(0, 7)} 100644`,
    '--- a/README.md',
    '+++ b/README.md',
    '@@ -1,1 +1,2 @@',
    ' # readme',
    `+${hash}`,
    '',
  ].join('\n')
}

import { test } from '@japa/runner'
import {
  HttpClient,
  HttpError,
  HttpTimeoutError,
  hmacSha256Matches,
  type OAuth2Auth,
} from '#plugin-sdk'
import {
  fakeConnection,
  fakeSyncContext,
  hmacSha256,
  PAGINATION_STYLES,
  paginateOptionsFor,
  RecordingDomainStore,
  startFakeProvider,
  webhookRequest,
} from '#plugin-sdk/testing'

/**
 * The plugin test kit (#plugin-sdk/testing) is itself a specification of
 * the providers' wire formats: each behaviour below is consumed by the
 * SDK's real HttpClient, as a plugin's sync consumes it.
 */
const ROWS = Array.from({ length: 7 }, (_, index) => ({ id: index + 1 }))

function client(
  baseUrl: string,
  options: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}
) {
  return new HttpClient({ baseUrl, retries: { attempts: 3, baseDelayMs: 5 }, ...options })
}

test.group('Plugin test kit | pagination styles', () => {
  for (const style of PAGINATION_STYLES) {
    test(`a ${style} list is walked to the end by HttpClient.paginate`, async ({
      assert,
      cleanup,
    }) => {
      const provider = await startFakeProvider((api) => api.list('/things', ROWS, { style }))
      cleanup(() => provider.close())

      const pages: number[][] = []
      const http = client(provider.url)
      for await (const page of http.paginate<unknown, { id: number }>(
        '/things',
        paginateOptionsFor(style, 3)
      )) {
        pages.push(page.items.map((row) => row.id))
      }

      assert.deepEqual(pages, [[1, 2, 3], [4, 5, 6], [7]])
      assert.lengthOf(provider.requestsTo('/things'), 3)
    })
  }
})

test.group('Plugin test kit | conditional requests and rate limits', () => {
  test('a GET answer carries an ETag and a repeat is answered 304 from the cache', async ({
    assert,
    cleanup,
  }) => {
    const provider = await startFakeProvider((api) => api.get('/user', { login: 'octo' }))
    cleanup(() => provider.close())
    const connection = fakeConnection({ baseUrl: provider.url, credentials: { token: 't' } })
    const http = await connection.client()

    const first = await http.get<{ login: string }>('/user')
    const second = await http.get<{ login: string }>('/user')

    assert.deepEqual(second.data, { login: 'octo' })
    assert.match(first.headers.etag, /^W\/"/)
    assert.deepEqual(
      provider.requests.map((request) => request.status),
      [200, 304]
    )
    assert.equal(http.stats.notModified, 1)
  })

  test('every answer announces the rate-limit window', async ({ assert, cleanup }) => {
    const provider = await startFakeProvider((api) => api.get('/user', { login: 'octo' }))
    cleanup(() => provider.close())
    provider.quota.remaining = 42
    const http = client(provider.url)

    await http.get('/user')

    assert.equal(http.stats.rateLimit.limit, 5000)
    assert.equal(http.stats.rateLimit.remaining, 41)
    assert.equal(
      http.stats.rateLimit.resetAt?.getTime(),
      Math.floor(provider.quota.resetAt.getTime() / 1000) * 1000
    )
  })

  test('429 with Retry-After is waited out before the request is sent again', async ({
    assert,
    cleanup,
  }) => {
    const provider = await startFakeProvider((api) => api.get('/user', { login: 'octo' }))
    cleanup(() => provider.close())
    provider.rateLimit({ retryAfter: 1 })
    const http = client(provider.url)

    const started = Date.now()
    const answer = await http.get<{ login: string }>('/user')

    assert.equal(answer.data.login, 'octo')
    assert.isAtLeast(Date.now() - started, 950)
    assert.deepEqual(
      provider.requests.map((request) => request.status),
      [429, 200]
    )
    assert.equal(http.stats.rateLimitWaits, 1)
  })

  test('an injected 5xx is retried; one past the attempts reaches the caller', async ({
    assert,
    cleanup,
  }) => {
    const provider = await startFakeProvider((api) => api.get('/user', { login: 'octo' }))
    cleanup(() => provider.close())
    const http = client(provider.url)

    provider.fail({ status: 502, times: 2 })
    assert.equal(
      (await http.get<{ login: string }>('/user', { conditional: false })).data.login,
      'octo'
    )
    assert.equal(http.stats.retries, 2)

    provider.fail({ status: 503, times: 3 })
    await assert.rejects(() => http.get('/user'), /failed with status 503/)
  })

  test('a hang outlasts the client timeout; the next request is answered', async ({
    assert,
    cleanup,
  }) => {
    const provider = await startFakeProvider((api) => api.get('/slow', { ok: true }))
    cleanup(() => provider.close())
    provider.hang({ ms: 1500, path: '/slow' })
    const http = client(provider.url, { timeoutMs: 200, retries: { attempts: 1 } })

    const error = await http.get('/slow').catch((caught: unknown) => caught)
    assert.instanceOf(error, HttpTimeoutError)
    assert.deepEqual((await http.get('/slow')).data, { ok: true })
  })

  test('declared credentials are required: 401 without them', async ({ assert, cleanup }) => {
    const provider = await startFakeProvider((api) =>
      api.accept({ basic: { 'me@example.com': 'api-token' } }).get('/myself', { name: 'Me' })
    )
    cleanup(() => provider.close())

    const refused = await client(provider.url)
      .get('/myself')
      .catch((caught: unknown) => caught)
    assert.instanceOf(refused, HttpError)
    assert.equal((refused as HttpError).status, 401)

    const basic = Buffer.from('me@example.com:api-token').toString('base64')
    const accepted = client(provider.url, { headers: { authorization: `Basic ${basic}` } })
    assert.deepEqual((await accepted.get('/myself')).data, { name: 'Me' })
  })
})

test.group('Plugin test kit | OAuth 2.0 with rotating refresh tokens', () => {
  test('an expired token is refreshed once; the spent refresh token is refused after', async ({
    assert,
    cleanup,
  }) => {
    const provider = await startFakeProvider((api) => api.get('/me', { id: 'account-1' }))
    cleanup(() => provider.close())
    const oauth = provider.oauth({ clientId: 'client-id', clientSecret: 'client-secret' })
    const auth: OAuth2Auth = {
      kind: 'oauth2',
      authorizeUrl: `${provider.url}/oauth/authorize`,
      tokenUrl: `${provider.url}/oauth/token`,
      clientId: 'client-id',
      clientSecret: 'client-secret',
      rotatingRefreshTokens: true,
    }
    const issued = oauth.issueTokens()
    const connection = fakeConnection({
      plugin: { id: 'oauth-plugin', connection: { auth } },
      baseUrl: provider.url,
      credentials: { ...issued, expiresAt: String(Date.now() - 1000) },
    })

    const http = await connection.client()
    assert.deepEqual((await http.get('/me')).data, { id: 'account-1' })

    assert.equal(oauth.refreshes, 1)
    assert.notEqual(connection.credentials.refreshToken, issued.refreshToken)
    assert.isTrue(oauth.isLive(connection.credentials.refreshToken))
    assert.isFalse(oauth.isLive(issued.refreshToken))

    // a second process still holding the old refresh token is refused
    const replay = await fetch(`${provider.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: issued.refreshToken,
        client_id: 'client-id',
        client_secret: 'client-secret',
      }),
    })
    assert.equal(replay.status, 400)
    assert.deepInclude(await replay.json(), { error: 'invalid_grant' })
    assert.equal(oauth.rejectedRefreshes, 1)
  })

  test('the authorization code flow checks the PKCE verifier', async ({ assert, cleanup }) => {
    const provider = await startFakeProvider()
    cleanup(() => provider.close())
    provider.oauth({ clientId: 'client-id', clientSecret: 'client-secret' })
    const verifier = 'a-verifier-of-at-least-forty-three-characters-long'
    const { createHash } = await import('node:crypto')
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const authorize = new URL(`${provider.url}/oauth/authorize`)
    authorize.search = new URLSearchParams({
      client_id: 'client-id',
      redirect_uri: 'http://127.0.0.1:1/callback',
      state: 'xyz',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString()
    const codeFor = async () => {
      const redirect = await fetch(authorize, { redirect: 'manual' })
      const back = new URL(redirect.headers.get('location')!)
      assert.equal(back.searchParams.get('state'), 'xyz')
      return back.searchParams.get('code')!
    }
    const exchange = async (code: string, codeVerifier: string) =>
      fetch(`${provider.url}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: 'http://127.0.0.1:1/callback',
          code_verifier: codeVerifier,
          client_id: 'client-id',
          client_secret: 'client-secret',
        }),
      })

    assert.equal((await exchange(await codeFor(), 'a-wrong-verifier')).status, 400)
    const code = await codeFor()
    const granted = await exchange(code, verifier)
    assert.equal(granted.status, 200)
    assert.properties(await granted.json(), ['access_token', 'refresh_token', 'expires_in'])
    // a code is single use
    assert.equal((await exchange(code, verifier)).status, 400)
  })
})

test.group('Plugin test kit | recording store and webhooks', () => {
  test('the store keeps the latest row per id and every write in order', async ({ assert }) => {
    const store = new RecordingDomainStore()
    await store.upsertRepositories([{ externalId: '1', name: 'api', fullName: 'acme/api' }])
    await store.upsertRepositories([{ externalId: '1', name: 'api-v2', fullName: 'acme/api-v2' }])

    assert.deepEqual(
      store.written.repositories.map((row) => row.name),
      ['api-v2']
    )
    assert.lengthOf(store.writes, 2)
    assert.deepEqual((await store.repository('1'))?.monitored, true)
  })

  test('a row naming a repository never written is refused, as the real store does', async ({
    assert,
  }) => {
    const store = new RecordingDomainStore()
    await assert.rejects(
      () =>
        store.upsertPullRequests([
          {
            externalId: 'pr-1',
            repositoryExternalId: 'missing',
            number: 1,
            title: 'Fix',
            state: 'open',
            openedAt: '2026-01-01T00:00:00Z',
          },
        ]),
      /names repository missing/
    )
  })

  test('a signed request verifies with the SDK; a form body is parsed as the platform does', async ({
    assert,
  }) => {
    const request = webhookRequest({
      body: { action: 'opened' },
      sign: { secret: 's3cret', header: 'X-Hub-Signature-256', prefix: 'sha256=' },
    })
    assert.isTrue(
      hmacSha256Matches(
        's3cret',
        request.rawBody,
        request.headers['x-hub-signature-256'],
        'sha256='
      )
    )
    assert.equal(
      request.headers['x-hub-signature-256'],
      hmacSha256('s3cret', '{"action":"opened"}', { prefix: 'sha256=' })
    )

    const form = webhookRequest({
      body: new URLSearchParams({ 'type': 'subscribe', 'data[email]': 'a@example.com' }),
    })
    assert.equal(form.contentType, 'application/x-www-form-urlencoded')
    assert.deepEqual(form.body, { type: 'subscribe', data: { email: 'a@example.com' } })
  })

  test('a sync context remembers cursors between runs and records progress', async ({
    assert,
    cleanup,
  }) => {
    const provider = await startFakeProvider((api) => api.get('/ping', { ok: true }))
    cleanup(() => provider.close())
    const connection = fakeConnection({ baseUrl: provider.url, credentials: { token: 't' } })
    const cursors = new Map<string, string>()

    const first = await fakeSyncContext(connection, { cursors })
    await first.cursors.set('items', '2026-01-01')
    await first.progress(3, 10, 'items')
    const second = await fakeSyncContext(connection, { cursors })
    const full = await fakeSyncContext(connection, { cursors, full: true })

    assert.equal(await second.cursors.get('items'), '2026-01-01')
    assert.isNull(await full.cursors.get('items'))
    assert.deepEqual(first.progressReports, [{ done: 3, total: 10, label: 'items' }])
    assert.equal(provider.requests.length, 0)
  })
})

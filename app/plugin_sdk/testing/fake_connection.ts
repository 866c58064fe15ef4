import { Logger } from '@adonisjs/core/logger'
import { HttpClient, type HttpClientOptions } from '#services/http/client'
import { MemoryConditionalCache } from '#services/http/conditional_cache'
import type {
  ConnectionHandle,
  ConnectionStatus,
  OAuth2Auth,
  PluginDefinition,
  SyncContext,
  SyncCursors,
} from '#plugin-sdk/types'
import { RecordingDomainStore } from './recording_store.js'

/**
 * A connection and a sync context for a plugin's tests, with no database:
 * what the platform hands a plugin, built from plain values. Its clients
 * are the SDK's real HttpClient, authenticated the way the platform does
 * it (the plugin's `requestHeaders`, else a bearer token), with an
 * in-memory conditional cache so ETags and 304s work across runs; its
 * store records what was written (RecordingDomainStore). An OAuth 2.0
 * connection refreshes its access token at the plugin's token URL when
 * it has expired, keeping the rotated refresh token, as the platform does.
 */
export type FakeConnectionOptions = {
  /** the plugin under test: its id, requestHeaders and OAuth settings are used */
  plugin?: Pick<PluginDefinition, 'id' | 'connection'>
  baseUrl: string
  credentials?: Record<string, string>
  config?: Record<string, unknown>
  accountKey?: string
  displayName?: string | null
  store?: RecordingDomainStore
  /** client options every client of the connection gets (retries, timeouts) */
  clientOptions?: Partial<HttpClientOptions>
}

export type FakeConnection = ConnectionHandle & {
  readonly store: RecordingDomainStore
  /** the credentials as they stand (a refresh replaces the tokens) */
  readonly credentials: Record<string, string>
  /** what update() stored, in order */
  readonly updates: Array<Parameters<ConnectionHandle['update']>[0]>
  /** the syncs queueSync() asked for */
  readonly queuedSyncs: Array<Parameters<ConnectionHandle['queueSync']>[0]>
  removed: boolean
}

const option = (value: string | (() => string | undefined)) =>
  typeof value === 'function' ? value() : value

/** A logger that writes nothing, for the contexts below. */
export function silentLogger() {
  return new Logger({ enabled: false, name: 'plugin-test' })
}

export function fakeConnection(options: FakeConnectionOptions): FakeConnection {
  const cache = new MemoryConditionalCache()
  const auth = options.plugin?.connection?.auth
  const oauth = auth?.kind === 'oauth2' ? (auth as OAuth2Auth) : null
  let credentials: Record<string, string> = { ...options.credentials }
  let config = { ...options.config }
  let status: ConnectionStatus = 'active'
  let displayName = options.displayName ?? null
  const secrets = () => Object.values(credentials)
  const baseClientOptions = (extra?: Partial<HttpClientOptions>): HttpClientOptions => ({
    baseUrl: options.baseUrl,
    cache,
    secrets: secrets(),
    retries: { attempts: 3, baseDelayMs: 10, maxDelayMs: 200 },
    ...options.clientOptions,
    ...extra,
  })

  async function refresh() {
    if (!oauth) throw new Error('only an OAuth 2.0 connection has an access token to refresh')
    if (!credentials.refreshToken)
      throw new Error('the access token expired and there is no refresh token')
    const clientId = option(oauth.clientId) ?? ''
    const clientSecret = option(oauth.clientSecret) ?? ''
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: credentials.refreshToken,
    })
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
    }
    if (oauth.tokenAuthMethod === 'client_secret_basic') {
      headers.authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`
    } else {
      form.set('client_id', clientId)
      form.set('client_secret', clientSecret)
    }
    const tokenUrl = option(oauth.tokenUrl)!
    const client = new HttpClient({ baseUrl: tokenUrl, secrets: [clientSecret, ...secrets()] })
    const answer = await client.post<Record<string, unknown>>(tokenUrl, {
      headers,
      body: form.toString(),
    })
    const data = answer.data
    if (typeof data?.access_token !== 'string')
      throw new Error('the token endpoint sent no access token')
    const next: Record<string, string> = { ...credentials, accessToken: data.access_token }
    if (typeof data.refresh_token === 'string') next.refreshToken = data.refresh_token
    const expiresIn = Number(data.expires_in)
    if (Number.isFinite(expiresIn) && expiresIn > 0)
      next.expiresAt = String(Date.now() + expiresIn * 1000)
    else delete next.expiresAt
    credentials = next
    return data.access_token
  }

  const connection: FakeConnection = {
    publicId: `connection-${options.accountKey ?? 'test'}`,
    organizationPublicId: 'organization-test',
    pluginId: options.plugin?.id ?? 'plugin-under-test',
    accountKey: options.accountKey ?? 'test-account',
    get displayName() {
      return displayName
    },
    get status() {
      return status
    },
    baseUrl: options.baseUrl,
    get config() {
      return config
    },
    get credentials() {
      return credentials
    },
    store: options.store ?? new RecordingDomainStore(),
    updates: [],
    queuedSyncs: [],
    removed: false,
    async accessToken() {
      if (!oauth) {
        const token = credentials.accessToken ?? credentials.token
        if (!token) throw new Error('this connection holds no token')
        return token
      }
      const expiresAt = Number(credentials.expiresAt)
      // the platform refreshes a minute early
      const valid =
        credentials.accessToken && (!credentials.expiresAt || expiresAt - 60_000 > Date.now())
      return valid ? credentials.accessToken : refresh()
    },
    async forgetAccessToken() {
      credentials = { ...credentials, expiresAt: '0' }
    },
    async client(extra) {
      const headers = options.plugin?.connection?.requestHeaders
        ? await options.plugin.connection.requestHeaders(connection)
        : { authorization: `Bearer ${await connection.accessToken()}` }
      return new HttpClient({
        ...baseClientOptions(extra),
        // the token is part of the cache key, as on the platform
        credentialFingerprint: JSON.stringify(headers),
        headers: { ...headers, ...extra?.headers },
        secrets: secrets(),
      })
    },
    http(extra) {
      return new HttpClient(baseClientOptions(extra))
    },
    async update(changes) {
      connection.updates.push(changes)
      if (changes.config) config = { ...config, ...changes.config }
      if (changes.credentials) credentials = { ...credentials, ...changes.credentials }
      if (changes.displayName !== undefined) displayName = changes.displayName
      if (changes.status) status = changes.status
    },
    async remove() {
      connection.removed = true
    },
    async queueSync(request) {
      connection.queuedSyncs.push(request)
    },
  }
  return connection
}

export type FakeSyncContext = SyncContext & {
  readonly connection: FakeConnection
  readonly store: RecordingDomainStore
  /** the cursors by scope, as the runs left them */
  readonly cursorValues: Map<string, string>
  /** every progress() call */
  readonly progressReports: Array<{ done: number; total: number | null; label: string | null }>
}

/**
 * The context one sync run receives. Pass the same `cursors` map to a
 * second run to test an incremental sync; the connection (and so its
 * conditional cache and store) may be shared between runs too.
 */
export async function fakeSyncContext(
  connection: FakeConnection,
  options: { full?: boolean; cursors?: Map<string, string>; signal?: AbortSignal } = {}
): Promise<FakeSyncContext> {
  const cursorValues = options.cursors ?? new Map<string, string>()
  const signal = options.signal ?? new AbortController().signal
  const cursors: SyncCursors = {
    async get(scope) {
      return options.full ? null : (cursorValues.get(scope) ?? null)
    },
    async set(scope, value) {
      cursorValues.set(scope, value)
    },
  }
  const progressReports: FakeSyncContext['progressReports'] = []
  return {
    connection,
    http: await connection.client({ signal, ...(options.full ? { revalidate: false } : {}) }),
    store: connection.store,
    cursors,
    cursorValues,
    // the URL the platform would give the connection (register it with a fake provider)
    webhooks: {
      url: async () =>
        `https://sextant.test/api/webhooks/${connection.pluginId}/c/${connection.publicId}/token`,
      rotate: async () =>
        `https://sextant.test/api/webhooks/${connection.pluginId}/c/${connection.publicId}/rotated`,
    },
    full: options.full ?? false,
    logger: silentLogger(),
    signal,
    progressReports,
    async progress(done, total, label) {
      progressReports.push({ done, total: total ?? null, label: label ?? null })
    },
  }
}

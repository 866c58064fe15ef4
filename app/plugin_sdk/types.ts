import type { HttpContext } from '@adonisjs/core/http'
import type { Logger } from '@adonisjs/core/logger'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { HttpClient, HttpClientOptions } from '#services/http/client'
import type { DomainStore } from '#plugin-sdk/domain'
import type { PluginDeclarations } from '#plugin-sdk/declarations'
import type {
  ConnectionWebhookUrls,
  CoreEventHandlers,
  PluginLifecycle,
} from '#plugin-sdk/lifecycle'
import type { AuthMethod, BasicAuth, ResolveAccounts } from '#plugin-sdk/auth_methods'
import type { CoreStatusChecks, PluginStatusChecks } from '#plugin-sdk/status_checks'
import type { PluginChatCompletion } from '#plugin-sdk/chat_completion'
import type { OAuthDriverFactory } from '#plugin-sdk/oauth_driver'

/**
 * The contract between Sextant and a provider plugin. A plugin imports
 * only from "#plugin-sdk": these types, definePlugin, the HTTP client and
 * the domain store. Everything a plugin receives is already fenced to one
 * organisation and one connection.
 */

export type PluginCategory =
  'code' | 'issues' | 'security' | 'ci' | 'marketing' | 'assistant' | 'other'

/* -------------------------------------------------------------------------- */
/* Connections                                                                 */
/* -------------------------------------------------------------------------- */

/**
 * One input of the connect form. Fields marked secret are sealed into the
 * connection's credentials; the others are stored as plain config.
 */
export type ConnectionField = {
  name: string
  label: string
  type?: 'text' | 'password' | 'url' | 'email' | 'number'
  secret?: boolean
  required?: boolean
  help?: string
  placeholder?: string
}

/** The organisation pastes a token or key (Azure DevOps PAT, Snyk, Mailchimp). */
export type TokenAuth = { kind: 'token' | 'api_key' }

/**
 * OAuth 2.0 authorization code (Bitbucket, Jira). The platform runs the
 * redirect, state and PKCE, stores the tokens sealed and refreshes them
 * under a lock, so two workers never spend the same rotating refresh token.
 */
export type OAuth2Auth = {
  kind: 'oauth2'
  authorizeUrl: string | (() => string)
  tokenUrl: string | (() => string)
  clientId: string | (() => string | undefined)
  clientSecret: string | (() => string | undefined)
  scopes?: string[]
  pkce?: boolean
  /** refresh tokens are single-use: each refresh returns a new one */
  rotatingRefreshTokens?: boolean
  extraAuthorizeParams?: Record<string, string>
  /** how the client authenticates at the token endpoint (default client_secret_post) */
  tokenAuthMethod?: 'client_secret_post' | 'client_secret_basic'
  /**
   * The redirect URL the operator registered at the provider, when it is
   * not Sextant's own callback (an app first registered for the system
   * Sextant replaces). Its path must be one of `legacyCallbackPaths`.
   */
  callbackUrl?: string | (() => string | undefined)
  /** older callback paths served by the same OAuth callback as Sextant's own */
  legacyCallbackPaths?: string[]
  /** how a token response names the account; becomes the connection's account key */
  accountFromToken?: (token: OAuthTokenSet) => { key: string; name?: string } | undefined
  /**
   * The accounts the grant reaches (Jira sites from accessible-resources,
   * Bitbucket workspaces). With several, the user picks which to connect
   * and each becomes a connection; they share the grant, so a rotating
   * refresh token is spent once for all of them.
   */
  resolveAccounts?: ResolveAccounts
  /**
   * The ally driver that runs the authorization-code leg (redirect, state,
   * PKCE, code exchange). Without it the platform builds one from this
   * declaration (OAuthDriver); a plugin whose provider needs more extends
   * OAuthDriver (from #plugin-sdk) and returns its own here.
   */
  driver?: OAuthDriverFactory
  /**
   * The provider's token revocation endpoint (RFC 7009): on disconnect
   * the platform revokes the refresh token (else the access token) there.
   */
  revokeUrl?: string | (() => string | undefined)
  /**
   * Where the provider sends the user back, when it is not the platform's
   * shared callback (/integrations/oauth/callback): the path an existing
   * OAuth app is registered with (Bitbucket's /settings/connect/bitbucket/).
   * It is sent as redirect_uri and routed to the same callback.
   */
  callbackPath?: string
}

/**
 * A GitHub App style installation: the plugin runs its own connect routes
 * (saving the connection through `ctx.plugin.saveConnection`) and mints
 * short-lived access tokens itself. The platform keeps each minted token
 * sealed on the connection until shortly before it expires, under a lock,
 * so every process reuses it: providers bind ETags to the token, and a
 * token minted per request would defeat conditional requests.
 */
export type AppInstallationAuth = {
  kind: 'app_installation'
  mintToken(connection: ConnectionHandle): Promise<MintedToken>
}

export type MintedToken = { token: string; expiresAt: Date }

/** No remote account at all (the Noa assistant). */
export type NoAuth = { kind: 'none' }

export type PluginAuth = TokenAuth | BasicAuth | OAuth2Auth | AppInstallationAuth | NoAuth

export type OAuthTokenSet = {
  accessToken: string
  refreshToken?: string
  /** epoch milliseconds */
  expiresAt?: number
  tokenType?: string
  scope?: string
  raw?: Record<string, unknown>
}

export type ConnectionTestResult = { ok: boolean; message: string; account?: string }

/**
 * What a plugin sees of a connection: its config, its decrypted
 * credentials and its base URL. The organisation appears only by public id.
 */
export interface ConnectionHandle {
  readonly publicId: string
  /** null for an installation-scoped connection (`connection.scope: 'installation'`) */
  readonly organizationPublicId: string | null
  readonly pluginId: string
  readonly accountKey: string
  readonly displayName: string | null
  readonly status: ConnectionStatus
  readonly baseUrl: string
  readonly config: Record<string, unknown>
  readonly credentials: Record<string, string>
  /**
   * An OAuth2 access token, refreshed first if it is about to expire. The
   * refresh is serialised by a lock across processes.
   */
  accessToken(): Promise<string>
  /**
   * Drops the cached access token, so the next accessToken() mints (or
   * refreshes) a fresh one: after a suspension is lifted, say.
   */
  forgetAccessToken(): Promise<void>
  /**
   * An HTTP client for this connection that authenticates its requests
   * (the plugin's requestHeaders, or a bearer token by default); its
   * responses are cached per credential for conditional requests.
   */
  client(options?: Partial<HttpClientOptions>): Promise<HttpClient>
  /** the same client without authentication headers (the caller adds its own) */
  http(options?: Partial<HttpClientOptions>): HttpClient
  /**
   * The domain model fenced to this organisation, provider and
   * connection. An installation-scoped connection has no organisation:
   * its store refuses every call.
   */
  readonly store: DomainStore
  /** store updated config or credentials (merged into the existing ones) */
  update(changes: {
    config?: Record<string, unknown>
    credentials?: Record<string, string>
    displayName?: string
    status?: ConnectionStatus
  }): Promise<void>
  /**
   * Deletes the connection and its sealed credentials, as Disconnect does
   * (the provider uninstalled the app): synced data stays, cursors, runs
   * and cached responses go.
   */
  remove(): Promise<void>
  /**
   * Queues a sync of this connection for a worker (all data tasks, or
   * the ones named), as the "Sync now" button does.
   */
  queueSync(options?: { tasks?: string[]; includeSnapshots?: boolean }): Promise<void>
}

/**
 * 'disconnecting': a member disconnected it and the plugin's
 * onDisconnecting hook has not succeeded yet; it no longer syncs or
 * receives deliveries.
 */
export type ConnectionStatus = 'active' | 'inactive' | 'error' | 'pending' | 'disconnecting'

/**
 * Who owns a plugin's connections. 'organization' (default): each
 * organisation connects its own accounts on its Connections page.
 * 'installation': one operator-wide account (the operator's own
 * Mailchimp audience), connected by a superuser in the admin area and
 * never shown to organisations' members.
 */
export type ConnectionScope = 'organization' | 'installation'

export type PluginConnection = {
  /** default 'organization'; 'installation' plugins connect with a form (token, API key, basic) */
  scope?: ConnectionScope
  /** the one way to connect; omit it when declaring `methods` */
  auth?: PluginAuth
  /**
   * Several ways to connect, each with its own fields, validator and
   * test (docs/plugins.md, "Authentication methods"); the connection-wide
   * fields below are then the defaults each method may override.
   */
  methods?: AuthMethod[]
  fields?: ConnectionField[]
  /**
   * Validates the connect form; the output's keys must be field names.
   * Vine compiled validators (vine.create / vine.compile) fit here.
   */
  validator?: { validate(data: unknown): Promise<Record<string, unknown>> }
  /**
   * Present when the provider has self-hosted editions (GitHub Enterprise
   * Server, Jira Data Center, Azure DevOps Server): the connect form then
   * offers a base URL that overrides this default.
   */
  baseUrl?: { default: string; label?: string; help?: string }
  /**
   * Headers that authenticate a request (default: "Authorization: Bearer"
   * with the OAuth access token, or the credential named token / apiKey).
   */
  requestHeaders?: (
    connection: ConnectionHandle
  ) => Record<string, string> | Promise<Record<string, string>>
  /**
   * Origins the connect flow sends the browser to with a form's answer
   * (a GitHub App's installation page). The pages' CSP form-action
   * allows them; an OAuth 2.0 authorizeUrl is allowed without listing it.
   */
  redirectOrigins?: () => string[]
  /** a real call proving the credentials work; its message is shown to the user */
  test?: (connection: ConnectionHandle) => Promise<ConnectionTestResult>
  /**
   * Derives the provider-side account from what the user entered, when
   * one organisation may connect several (several Jira sites).
   */
  accountKey?: (input: { config: Record<string, unknown>; baseUrl: string }) => string
}

/* -------------------------------------------------------------------------- */
/* Sync                                                                        */
/* -------------------------------------------------------------------------- */

export interface SyncCursors {
  get(scope: string): Promise<string | null>
  /** advance a scope's cursor; call it only once the scope is fully written */
  set(scope: string, value: string): Promise<void>
}

export interface SyncContext {
  readonly connection: ConnectionHandle
  /** the connection's HTTP client for this run: its requests count toward the run */
  readonly http: HttpClient
  readonly store: DomainStore
  readonly cursors: SyncCursors
  /**
   * The connection's webhook URLs, as lifecycle hooks see them: a task
   * that keeps the provider's webhooks registered (re-registering one the
   * provider dropped or that lacks an event) registers this URL.
   */
  readonly webhooks: ConnectionWebhookUrls
  /** true for --full: ignore cursors and cached responses */
  readonly full: boolean
  readonly logger: Logger
  readonly signal: AbortSignal
  /** report progress; shown by sync:status, the page and ace */
  progress(done: number, total?: number | null, label?: string): Promise<void>
}

export type SyncTask = {
  name: string
  description?: string
  /**
   * 'data' (default) tasks run on fetch:data, Sync now and their
   * schedule. 'snapshot' tasks download repository contents: they run on
   * their schedule, right after connecting, on `node ace
   * download:repositories`, and on fetch:data only when named by --task.
   */
  kind?: 'data' | 'snapshot'
  /** cron expression (node-cron syntax) for the daily/periodic schedule */
  schedule?: string
  run(context: SyncContext): Promise<void>
}

/* -------------------------------------------------------------------------- */
/* Webhooks                                                                    */
/* -------------------------------------------------------------------------- */

export type WebhookRequest = {
  /** 'POST' for deliveries, 'GET' for handshakes */
  method: string
  /** the path and query string the provider called (the token of a per-connection URL masked) */
  url: string
  /** the query string's parameters (the last value of a repeated one) */
  query: Record<string, string>
  /** the media type without parameters ("application/json"), null when absent */
  contentType: string | null
  /** header names in lower case */
  headers: Record<string, string>
  rawBody: Buffer
  /**
   * The body parsed: JSON, or form fields for
   * application/x-www-form-urlencoded (bracketed names nest:
   * `data[email]=…` → `{ data: { email } }`); undefined when it is neither.
   */
  body: unknown
  /**
   * The connection whose own URL received the request, its token already
   * checked in constant time; null on the plugin's shared URL.
   */
  connection: ConnectionHandle | null
}

export type WebhookVerification =
  | {
      ok: true
      /**
       * The provider's delivery id. Omit it when the provider sends none:
       * the platform derives one from a digest of the body, so a delivery
       * sent twice is processed once.
       */
      deliveryId?: string | null
      event: string
      action?: string | null
      /** which connection (account) the delivery belongs to, when known */
      accountKey?: string | null
      /**
       * The connection verify() authenticated, by public id: a delivery to
       * a legacy path of a url-token plugin (`legacyPathAuthentication`).
       */
      connectionPublicId?: string | null
    }
  | { ok: false; status?: 400 | 401 | 403; reason: string }

export interface WebhookVerifyHelpers {
  /** the active connections for an account key, to read per-connection secrets */
  connectionsFor(accountKey: string): Promise<ConnectionHandle[]>
  /** one of this plugin's connections that take deliveries, by public id (null: none) */
  connection(publicId: string): Promise<ConnectionHandle | null>
}

export type WebhookDelivery = {
  id: string
  event: string
  action: string | null
  payload: unknown
  headers: Record<string, string>
  receivedAt: Date
}

export interface WebhookContext {
  readonly delivery: WebhookDelivery
  /** null when no connection matches the delivery's account */
  readonly connection: ConnectionHandle | null
  readonly logger: Logger
  /**
   * Posts a status check on one of the connection's organisation's pull
   * requests through the core (status_checks.ts): recorded, retried by a
   * queued job when the provider fails, never throwing into the handler.
   */
  readonly statusChecks: CoreStatusChecks
  /**
   * A database transaction committed together with the delivery's
   * "processed" mark (opened on the first call, the same one after). Writes
   * made through it happen exactly once: a worker killed before the commit
   * leaves neither the writes nor the mark, and the delivery runs again.
   * Writes made any other way happen at least once.
   */
  transaction(): Promise<TransactionClientContract>
}

export type WebhookHandler = (context: WebhookContext) => Promise<void>

export type WebhookHandshakeAnswer = {
  /** default 200 */
  status?: number
  /** a string is sent as text/plain, anything else as JSON */
  body?: unknown
}

export type PluginWebhooks = {
  /** legacy URLs that also receive this plugin's deliveries (and handshakes) */
  legacyPaths?: string[]
  /**
   * 'signature' (default): deliveries go to the plugin's shared URL and
   * verify() checks each one. 'url-token': for providers that cannot sign
   * (Mailchimp, Azure DevOps service hooks), each connection gets its own
   * URL carrying an unguessable, rotatable token; the platform refuses
   * deliveries anywhere else and checks the token before verify() runs.
   */
  authentication?: 'signature' | 'url-token'
  /**
   * A url-token plugin whose legacy paths took deliveries before
   * per-connection URLs existed (hooks made by hand, pointing at the old
   * address): 'verify' lets those deliveries reach verify() with no
   * connection; it must authenticate them itself and name the connection
   * (`connectionPublicId`). Without it the legacy paths refuse (401).
   */
  legacyPathAuthentication?: 'verify'
  /**
   * Answers GET requests to the webhook URLs: the validation request a
   * provider sends before it saves a webhook (Mailchimp). Without it a
   * GET is answered 405.
   */
  handshake?: (request: WebhookRequest) => WebhookHandshakeAnswer | Promise<WebhookHandshakeAnswer>
  verify(
    request: WebhookRequest,
    helpers: WebhookVerifyHelpers
  ): WebhookVerification | Promise<WebhookVerification>
  /**
   * Handlers by "event.action", then "event", then "*". A delivery with
   * no handler is stored and marked processed.
   */
  handlers: Record<string, WebhookHandler>
}

/* -------------------------------------------------------------------------- */
/* Routes, views, commands                                                      */
/* -------------------------------------------------------------------------- */

export type PluginRouteAccess =
  /** signed-in, MFA-complete user of the current organisation (default) */
  | 'session'
  /**
   * API token (Authorization or X-Api-Key, with or without "Bearer"),
   * checked before any of the body is read; the token's abilities are
   * intersected with its holder's role at every use (see `ability`)
   */
  | 'token'
  /** no authentication: the plugin verifies the caller itself */
  | 'public'

export type PluginRouteContext = HttpContext & {
  plugin: {
    id: string
    /** the organisation the request acts on (session or token user's), if any */
    organizationPublicId: string | null
    /**
     * Its primary key, for the plugin's own tables' foreign keys (never
     * shown in URLs or JSON: use organizationPublicId there).
     */
    organizationId: number | null
    /**
     * The acting user (session or token), null on public routes. `id` is
     * for the plugin's own foreign keys; URLs use `publicId`.
     */
    user: PluginRouteUser | null
    /** this plugin's connections in that organisation */
    connections(): Promise<ConnectionHandle[]>
    /** whether the signed-in member's role holds a permission (e.g. "integrations.manage") */
    can(permission: string): boolean
    /** one of them by public id; null when it is not this organisation's */
    connection(publicId: string): Promise<ConnectionHandle | null>
    /**
     * Creates (or, for the same account key, updates) the organisation's
     * connection, as the signed-in member (session routes only), then
     * tests it and queues its first sync like the connect form does.
     */
    saveConnection(values: SaveConnectionValues): Promise<SavedConnection>
  }
}

export type PluginRouteUser = {
  id: number
  publicId: string
  email: string
  fullName: string | null
  /** an administrator of the whole installation (the admin area) */
  isSuperuser: boolean
}

export type SaveConnectionValues = {
  accountKey: string
  displayName: string
  config: Record<string, unknown>
  credentials?: Record<string, string>
  status?: ConnectionStatus
  /**
   * A base URL a member typed (another connection's override, reused for
   * a sibling account): every request of the connection then goes
   * through the outbound policy. Default: the plugin's own base URL.
   */
  baseUrl?: string | null
}

export type SavedConnection = {
  connection: ConnectionHandle
  test: ConnectionTestResult | null
  syncQueued: boolean
  /** the flash message to show, in the user's words */
  message: { kind: 'success' | 'error'; message: string }
}

export type PluginRouteHandler = (context: PluginRouteContext) => unknown | Promise<unknown>

export type PluginRouteOptions = {
  access?: PluginRouteAccess
  /** a permission the member's role must hold (session and token routes) */
  permission?: string
  /**
   * Token routes: what the token must be allowed to do, with its holder's
   * role as it is now (default: 'read' for GET, 'write' otherwise).
   */
  ability?: 'read' | 'write' | 'assistant'
  /**
   * The route accepts file uploads (multipart/form-data): the body is
   * read, into a private temporary folder, only after the access,
   * permission and CSRF checks have passed, and its temporary files are
   * removed when the request ends. Every other route refuses multipart
   * bodies with 415.
   */
  upload?: { maxBytes?: number }
  /** session routes that change credentials: ask for the password or a TOTP code again if the last check is old */
  reauthenticate?: boolean
  /**
   * Session routes for the installation's administrators only (an App
   * registered once per server): anyone else gets the admin area's 404.
   */
  superuser?: boolean
  /** mount at this exact path instead of under /integrations/<id> */
  absolute?: boolean
  name?: string
}

export interface PluginRouter {
  get(path: string, handler: PluginRouteHandler, options?: PluginRouteOptions): void
  post(path: string, handler: PluginRouteHandler, options?: PluginRouteOptions): void
  put(path: string, handler: PluginRouteHandler, options?: PluginRouteOptions): void
  delete(path: string, handler: PluginRouteHandler, options?: PluginRouteOptions): void
}

export type PluginCommandModule = () => Promise<{ default: unknown }>

/** the manifest; what a plugin owns is declared in PluginDeclarations (declarations.ts) */
export type PluginDefinition = PluginDeclarations & {
  id: string
  name: string
  description: string
  category: PluginCategory
  version: string
  /** omitted for plugins with nothing to connect */
  connection?: PluginConnection
  routes?: (router: PluginRouter) => void
  webhooks?: PluginWebhooks
  /** onConnected / onDisconnecting, run as queued jobs with retries */
  lifecycle?: PluginLifecycle
  /** core events the plugin subscribes to, delivered through the queue */
  events?: CoreEventHandlers
  sync?: SyncTask[]
  /** posts pull request statuses (check runs, PR statuses, build statuses): see status_checks.ts */
  statusChecks?: PluginStatusChecks
  /** answers chat completions with an organisation's configured model: see chat_completion.ts */
  chatCompletion?: PluginChatCompletion
  /** folder of Edge templates, relative to the plugin, mounted as "<id>::" */
  views?: string
  /** an Edge template ("<id>::...") rendered on the connection's settings card */
  settingsPartial?: string
  /** ace commands: modules default-exporting a BaseCommand subclass */
  commands?: PluginCommandModule[]
  /** links in the main navigation to the plugin's own pages */
  navigation?: PluginNavigationItem[]
}

export type PluginNavigationItem = {
  label: string
  /** an absolute path served by the plugin's routes ("/assistant") */
  path: string
  /** shown only to members whose role holds it (default "organization.view") */
  permission?: string
  /**
   * 'admin': a tab of the admin area, for superusers (the route should be
   * `superuser: true`); 'main' (the default): the main navigation.
   */
  area?: 'main' | 'admin'
}

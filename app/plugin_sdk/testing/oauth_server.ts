import { createHash, randomBytes } from 'node:crypto'

/**
 * The OAuth 2.0 authorization server of a fake provider (RFC 6749 with
 * PKCE, RFC 7636): `/authorize` issues a code and redirects back,
 * `/token` exchanges codes and refresh tokens. Refresh tokens are single
 * use when `rotateRefreshTokens` is on (Bitbucket, Jira, Azure DevOps
 * Entra ID): each refresh returns a new one and spends the old, so a
 * client that refreshes twice with the same token is refused
 * `invalid_grant`, as the real providers do.
 */
export type FakeOAuthOptions = {
  clientId: string | (() => string | undefined)
  clientSecret: string | (() => string | undefined)
  /** default true */
  rotateRefreshTokens?: boolean
  /** lifetime of an access token, default 3600 seconds */
  accessTokenTtlSeconds?: number
  /** how long a refresh takes; a slow one shows unserialised refreshes overlapping */
  refreshDelayMs?: number
  /** access tokens are added to this set (share it with the API's bearer check) */
  accessTokens?: Set<string>
  scope?: string
}

export type TokenAnswer = { status: number; body: Record<string, unknown> }

const value = (option: string | (() => string | undefined)) =>
  typeof option === 'function' ? option() : option

export class FakeOAuthServer {
  readonly accessTokens: Set<string>
  /** refreshes granted */
  refreshes = 0
  /** refreshes refused because the refresh token was spent or unknown */
  rejectedRefreshes = 0
  /** codes exchanged for tokens */
  exchanges = 0
  readonly #options: FakeOAuthOptions
  readonly #codes = new Map<string, { challenge: string | null; redirectUri: string }>()
  readonly #refreshTokens = new Map<string, 'live' | 'spent'>()

  constructor(options: FakeOAuthOptions) {
    this.#options = options
    this.accessTokens = options.accessTokens ?? new Set()
  }

  /** Whether a bearer token is one this server issued. */
  accepts(accessToken: string) {
    return this.accessTokens.has(accessToken)
  }

  /** Whether a refresh token is live (issued and not yet spent). */
  isLive(refreshToken: string) {
    return this.#refreshTokens.get(refreshToken) === 'live'
  }

  /**
   * GET /authorize: the user consents at once; the answer is the redirect
   * back to `redirect_uri` with a code and the state.
   */
  authorize(url: URL): { status: number; location?: string; body?: Record<string, unknown> } {
    if (url.searchParams.get('client_id') !== value(this.#options.clientId)) {
      return { status: 400, body: { error: 'invalid_client' } }
    }
    const redirectUri = url.searchParams.get('redirect_uri') ?? ''
    if (!URL.canParse(redirectUri)) return { status: 400, body: { error: 'invalid_request' } }
    const code = randomBytes(8).toString('hex')
    this.#codes.set(code, { challenge: url.searchParams.get('code_challenge'), redirectUri })
    const back = new URL(redirectUri)
    back.searchParams.set('code', code)
    back.searchParams.set('state', url.searchParams.get('state') ?? '')
    return { status: 302, location: back.toString() }
  }

  /**
   * POST /token with a form body; the client authenticates in the form
   * (client_secret_post) or with HTTP Basic (client_secret_basic).
   */
  async token(form: URLSearchParams, authorization?: string): Promise<TokenAnswer> {
    const client = this.#client(form, authorization)
    if (
      client.id !== value(this.#options.clientId) ||
      client.secret !== value(this.#options.clientSecret)
    ) {
      return { status: 401, body: { error: 'invalid_client' } }
    }
    const grantType = form.get('grant_type')
    if (grantType === 'authorization_code') {
      const code = form.get('code') ?? ''
      const grant = this.#codes.get(code)
      this.#codes.delete(code)
      const challenge = createHash('sha256')
        .update(form.get('code_verifier') ?? '')
        .digest('base64url')
      if (
        !grant ||
        grant.redirectUri !== form.get('redirect_uri') ||
        (grant.challenge && grant.challenge !== challenge)
      ) {
        return { status: 400, body: { error: 'invalid_grant' } }
      }
      this.exchanges += 1
    } else if (grantType === 'refresh_token') {
      const refreshToken = form.get('refresh_token') ?? ''
      if (!this.isLive(refreshToken)) {
        this.rejectedRefreshes += 1
        return {
          status: 400,
          body: { error: 'invalid_grant', error_description: 'refresh token already used' },
        }
      }
      if (this.#options.rotateRefreshTokens !== false)
        this.#refreshTokens.set(refreshToken, 'spent')
      this.refreshes += 1
      if (this.#options.refreshDelayMs) {
        await new Promise((resolve) => setTimeout(resolve, this.#options.refreshDelayMs))
      }
      if (this.#options.rotateRefreshTokens === false) {
        const accessToken = this.#newAccessToken()
        return { status: 200, body: this.#tokenBody(accessToken) }
      }
    } else {
      return { status: 400, body: { error: 'unsupported_grant_type' } }
    }
    const { accessToken, refreshToken } = this.issueTokens()
    return { status: 200, body: { ...this.#tokenBody(accessToken), refresh_token: refreshToken } }
  }

  /** A live access/refresh token pair, as if an authorization had just completed. */
  issueTokens() {
    const accessToken = this.#newAccessToken()
    const refreshToken = `refresh-${randomBytes(8).toString('hex')}`
    this.#refreshTokens.set(refreshToken, 'live')
    return { accessToken, refreshToken }
  }

  /** Spends a refresh token (RFC 7009 revocation): it is refused from now on. */
  spendRefreshToken(refreshToken: string) {
    if (this.#refreshTokens.has(refreshToken)) this.#refreshTokens.set(refreshToken, 'spent')
  }

  /** Forgets an access token, as if it had expired on the provider's side. */
  revoke(accessToken: string) {
    this.accessTokens.delete(accessToken)
  }

  #newAccessToken() {
    const accessToken = `access-${randomBytes(8).toString('hex')}`
    this.accessTokens.add(accessToken)
    return accessToken
  }

  #tokenBody(accessToken: string) {
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: this.#options.accessTokenTtlSeconds ?? 3600,
      scope: this.#options.scope ?? 'read',
    }
  }

  #client(form: URLSearchParams, authorization?: string) {
    if (authorization?.startsWith('Basic ')) {
      const pair = Buffer.from(authorization.slice(6), 'base64').toString('utf8')
      const colon = pair.indexOf(':')
      return { id: pair.slice(0, colon), secret: pair.slice(colon + 1) }
    }
    return { id: form.get('client_id'), secret: form.get('client_secret') }
  }
}

import { randomBytes } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import { Oauth2Driver, type ApiRequest, type RedirectRequest } from '@adonisjs/ally'
import type { AllyUserContract, Oauth2AccessToken, Oauth2DriverConfig } from '@adonisjs/ally/types'
import type { OAuth2Auth, OAuthTokenSet } from '#plugin-sdk/types'

/**
 * The authorization-code leg of an OAuth 2.0 connect runs through
 * @adonisjs/ally: the redirect, the state, the PKCE verifier (both kept
 * in encrypted, http-only cookies that the callback reads once and
 * clears) and the code exchange. The platform keeps what ally does not
 * do: sealed storage, refresh under a lock, revocation.
 *
 * `OAuthDriver` is the ally driver the platform builds from a plugin's
 * `OAuth2Auth` declaration (authorizeUrl, tokenUrl, client, scopes,
 * pkce, extraAuthorizeParams, tokenAuthMethod). A plugin whose provider
 * needs more (another parameter, a JSON token request, a token answer
 * in another shape) extends it and declares `driver` on its OAuth
 * method; see docs/plugins.md, "OAuth 2.0".
 */

export type OAuthDriverToken = Oauth2AccessToken
/** the authorize URL being built (param, scopes) */
export type OAuthRedirectRequest = RedirectRequest<string>
/** the token request being built (field, header, sendAs) */
export type OAuthTokenRequest = ApiRequest

export type OAuthDriverConfig = Oauth2DriverConfig & {
  /** unique per plugin method: names the state and verifier cookies */
  name: string
  /** the plugin method's declaration the driver was built from */
  auth: OAuth2Auth
}

/**
 * What a plugin may declare as `driver`: given the request and the
 * resolved settings, an ally OAuth 2.0 driver (usually a subclass of
 * OAuthDriver; any ally `Oauth2Driver` works).
 */
export type OAuthDriverFactory = (
  ctx: HttpContext,
  config: OAuthDriverConfig
) => Oauth2Driver<OAuthDriverToken, string>

/** settings a declaration may give as a value or read on use (from the environment) */
export function declared<T>(value: T | (() => T)): T {
  return typeof value === 'function' ? (value as () => T)() : value
}

/** cookie names accept letters, digits, dashes and underscores */
function cookieSafe(name: string) {
  return name.replace(/[^\w-]/g, '_')
}

export class OAuthDriver extends Oauth2Driver<OAuthDriverToken, string> {
  protected authorizeUrl: string
  protected accessTokenUrl: string
  protected stateCookieName: string
  declare protected codeVerifierCookieName?: string
  protected stateParamName = 'state'
  protected errorParamName = 'error'
  protected codeParamName = 'code'
  protected scopeParamName = 'scope'
  protected scopesSeparator = ' '

  constructor(
    ctx: HttpContext,
    public config: OAuthDriverConfig
  ) {
    super(ctx, config)
    this.authorizeUrl = config.authorizeUrl ?? declared(config.auth.authorizeUrl)
    this.accessTokenUrl = config.accessTokenUrl ?? declared(config.auth.tokenUrl)
    this.stateCookieName = `${cookieSafe(config.name)}_oauth_state`
    if (config.auth.pkce) this.codeVerifierCookieName = `${cookieSafe(config.name)}_oauth_verifier`
    // Reads the state (and verifier) kept at the redirect, and clears them: they work once.
    this.loadState()
  }

  /** the authorization request of RFC 6749 §4.1.1, with the declared scopes and parameters */
  protected configureRedirectRequest(request: OAuthRedirectRequest) {
    request.param('response_type', 'code')
    if (this.config.auth.scopes?.length) request.scopes(this.config.auth.scopes)
    for (const [key, value] of Object.entries(this.config.auth.extraAuthorizeParams ?? {})) {
      request.param(key, value)
    }
  }

  /** client authentication at the token endpoint (RFC 6749 §2.3.1): form fields or HTTP Basic */
  protected configureAccessTokenRequest(request: OAuthTokenRequest) {
    request.header('accept', 'application/json')
    if (this.config.auth.tokenAuthMethod === 'client_secret_basic') {
      request.clearField('client_id')
      request.clearField('client_secret')
      const pair = `${encodeURIComponent(this.config.clientId)}:${encodeURIComponent(this.config.clientSecret)}`
      request.header('authorization', `Basic ${Buffer.from(pair).toString('base64')}`)
    }
  }

  /** 256 random bits (ally's default is 192) */
  getState() {
    return randomBytes(32).toString('base64url')
  }

  accessDenied() {
    return this.getError() === 'access_denied'
  }

  /** the callback's code traded for tokens, in the platform's shape */
  async tokenSet(): Promise<OAuthTokenSet> {
    return toTokenSet(await this.accessToken())
  }

  /** the account the token names, through the declaration's accountFromToken */
  async user(): Promise<AllyUserContract<OAuthDriverToken>> {
    const token = await this.accessToken()
    return { ...this.#account(toTokenSet(token)), token }
  }

  async userFromToken(accessToken: string) {
    const token = { token: accessToken, type: 'bearer' as const }
    return { ...this.#account({ accessToken }), token }
  }

  #account(token: OAuthTokenSet) {
    const account = this.config.auth.accountFromToken?.(token)
    return {
      id: account?.key ?? '',
      nickName: account?.name ?? account?.key ?? '',
      name: account?.name ?? account?.key ?? '',
      email: null,
      emailVerificationState: 'unsupported' as const,
      avatarUrl: null,
      original: token.raw ?? null,
    }
  }
}

/** an ally access token as the platform keeps it (epoch milliseconds, raw answer) */
export function toTokenSet(token: OAuthDriverToken): OAuthTokenSet {
  const { token: accessToken, type, refreshToken, expiresIn, expiresAt, ...rest } = token
  const raw: Record<string, unknown> = { ...rest, access_token: accessToken }
  if (type) raw.token_type = type
  if (refreshToken) raw.refresh_token = refreshToken
  if (expiresIn !== undefined) raw.expires_in = expiresIn
  const seconds = Number(expiresIn)
  const expiry =
    expiresAt instanceof Date
      ? expiresAt.getTime()
      : Number.isFinite(seconds) && seconds > 0
        ? Date.now() + seconds * 1000
        : undefined
  return {
    accessToken,
    refreshToken: typeof refreshToken === 'string' ? refreshToken : undefined,
    expiresAt: expiry,
    tokenType: typeof type === 'string' ? type : undefined,
    scope: typeof rest.scope === 'string' ? rest.scope : undefined,
    raw,
  }
}

import { createHash, randomBytes } from 'node:crypto'
import lock from '@adonisjs/lock/services/main'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import { whereOwner } from '#services/plugins/installation_scope'
import { HttpClient } from '#services/http/client'
import type { LoadedPlugin } from '#services/plugins/registry'
import { pluginMethods } from '#services/plugins/auth_methods'
import type { OAuth2Auth, OAuthTokenSet } from '#plugin-sdk/types'

/**
 * The OAuth 2.0 authorization-code flow shared by every plugin that
 * declares `auth: { kind: 'oauth2' }`: authorize URL with state and PKCE,
 * code exchange, and refresh serialised by a lock so that two workers
 * never spend the same single-use (rotating) refresh token.
 */
export class OAuthError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OAuthError'
  }
}

/** refresh this long before expiry so a token never dies mid-request */
const EXPIRY_MARGIN_MS = 60_000

function option(value: string | (() => string | undefined)) {
  return typeof value === 'function' ? value() : value
}

/** the plugin's OAuth 2.0 method: the one named, else its first OAuth method */
export function oauthSettings(plugin: LoadedPlugin, methodId?: string | null): OAuth2Auth {
  const methods = pluginMethods(plugin.definition).filter(
    (method) => method.auth.kind === 'oauth2' && (!methodId || method.id === methodId)
  )
  const auth = methods[0]?.auth
  if (auth?.kind !== 'oauth2') throw new OAuthError(`${plugin.id} does not connect with OAuth`)
  return auth
}

/** what is missing before the flow can run, in words for the settings page */
export function oauthMissingSettings(auth: OAuth2Auth): string[] {
  const missing: string[] = []
  if (!option(auth.clientId)) missing.push('the OAuth client id')
  if (!option(auth.clientSecret)) missing.push('the OAuth client secret')
  return missing
}

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  return { verifier, challenge }
}

export function authorizationUrl(
  auth: OAuth2Auth,
  input: { state: string; redirectUri: string; codeChallenge?: string }
) {
  const url = new URL(option(auth.authorizeUrl)!)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('client_id', option(auth.clientId) ?? '')
  url.searchParams.set('redirect_uri', input.redirectUri)
  url.searchParams.set('state', input.state)
  if (auth.scopes?.length) url.searchParams.set('scope', auth.scopes.join(' '))
  if (auth.pkce && input.codeChallenge) {
    url.searchParams.set('code_challenge', input.codeChallenge)
    url.searchParams.set('code_challenge_method', 'S256')
  }
  for (const [key, value] of Object.entries(auth.extraAuthorizeParams ?? {})) {
    url.searchParams.set(key, value)
  }
  return url.toString()
}

async function tokenRequest(auth: OAuth2Auth, grant: Record<string, string>) {
  const clientId = option(auth.clientId) ?? ''
  const clientSecret = option(auth.clientSecret) ?? ''
  const form = new URLSearchParams(grant)
  const headers: Record<string, string> = { accept: 'application/json' }
  if (auth.tokenAuthMethod === 'client_secret_basic') {
    headers.authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`
  } else {
    form.set('client_id', clientId)
    form.set('client_secret', clientSecret)
  }
  const client = new HttpClient({
    baseUrl: option(auth.tokenUrl)!,
    secrets: [clientSecret, ...Object.values(grant)],
    retries: { attempts: 2 },
  })
  const response = await client
    .post<Record<string, unknown>>(option(auth.tokenUrl)!, {
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    })
    .catch((error) => {
      throw new OAuthError(`The provider refused the token request (${error.message})`)
    })
  const data = response.data ?? {}
  if (typeof data.access_token !== 'string') {
    throw new OAuthError('The provider answered without an access token')
  }
  const expiresIn = Number(data.expires_in)
  return {
    accessToken: data.access_token,
    refreshToken: typeof data.refresh_token === 'string' ? data.refresh_token : undefined,
    expiresAt:
      Number.isFinite(expiresIn) && expiresIn > 0 ? Date.now() + expiresIn * 1000 : undefined,
    tokenType: typeof data.token_type === 'string' ? data.token_type : undefined,
    scope: typeof data.scope === 'string' ? data.scope : undefined,
    raw: data,
  } satisfies OAuthTokenSet
}

export function exchangeCode(
  auth: OAuth2Auth,
  input: { code: string; redirectUri: string; codeVerifier?: string }
) {
  const grant: Record<string, string> = {
    grant_type: 'authorization_code',
    code: input.code,
    redirect_uri: input.redirectUri,
  }
  if (input.codeVerifier) grant.code_verifier = input.codeVerifier
  return tokenRequest(auth, grant)
}

/** how a token set is kept in a connection's sealed credentials */
export function tokenCredentials(token: OAuthTokenSet, previous: Record<string, string> = {}) {
  const credentials: Record<string, string> = { ...previous, accessToken: token.accessToken }
  // A provider that does not rotate keeps answering without a new refresh token.
  if (token.refreshToken) credentials.refreshToken = token.refreshToken
  if (token.expiresAt) credentials.expiresAt = String(token.expiresAt)
  else delete credentials.expiresAt
  return credentials
}

function stillValid(credentials: Record<string, string>) {
  const expiresAt = Number(credentials.expiresAt)
  return !credentials.expiresAt || expiresAt - EXPIRY_MARGIN_MS > Date.now()
}

/**
 * The connection's access token, refreshed when it is about to expire.
 * The lock makes concurrent callers (web, workers, schedulers) queue; each
 * re-reads the row once it holds the lock, so only the first refreshes
 * and the others use the token it stored. Connections made from one grant
 * (several accounts of one authorisation) share the lock and receive the
 * new tokens together: the single-use refresh token they all hold is
 * spent once, and none is left holding a spent one.
 */
export async function validAccessToken(connection: Connection, plugin: LoadedPlugin) {
  const auth = oauthSettings(plugin, connection.authMethod)
  const current = connection.openCredentials()
  if (current.accessToken && stillValid(current)) return current.accessToken

  const lockKey = connection.oauthGrant
    ? `oauth-refresh:grant:${connection.organizationId}:${connection.oauthGrant}`
    : `oauth-refresh:${connection.id}`
  const [acquired, token] = await lock.createLock(lockKey, '30s').run(async () => {
    const fresh = await Connection.findOrFail(connection.id)
    const credentials = fresh.openCredentials()
    if (credentials.accessToken && stillValid(credentials)) {
      connection.merge({ credentials: fresh.credentials })
      return credentials.accessToken
    }
    if (!credentials.refreshToken) {
      throw new OAuthError('The access token expired and there is no refresh token: reconnect')
    }
    const refreshed = await tokenRequest(auth, {
      grant_type: 'refresh_token',
      refresh_token: credentials.refreshToken,
    })
    await db.transaction(async (trx) => {
      const holders = fresh.oauthGrant
        ? await whereOwner(Connection.query({ client: trx }), fresh.organizationId)
            .where('plugin_id', fresh.pluginId)
            .where('oauth_grant', fresh.oauthGrant)
        : [fresh]
      for (const holder of holders) {
        holder.useTransaction(trx)
        holder.sealCredentials(tokenCredentials(refreshed, holder.openCredentials()))
        await holder.save()
        if (holder.id === connection.id) connection.merge({ credentials: holder.credentials })
      }
    })
    return refreshed.accessToken
  })
  if (!acquired) throw new OAuthError('Another process is refreshing this connection: try again')
  return token
}

import type { Oauth2Driver } from '@adonisjs/ally'
import lock from '@adonisjs/lock/services/main'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import { whereOwner } from '#services/plugins/installation_scope'
import { HttpClient } from '#services/http/client'
import type { LoadedPlugin } from '#services/plugins/registry'
import { pluginMethods } from '#services/plugins/auth_methods'
import type { OAuth2Auth, OAuthTokenSet } from '#plugin-sdk/types'
import { declared as option, toTokenSet, type OAuthDriverToken } from '#plugin-sdk/oauth_driver'

/**
 * What the platform does for every plugin that declares
 * `auth: { kind: 'oauth2' }` besides the authorization-code leg (ally's
 * drivers run that: app/services/plugins/ally_drivers.ts): tokens kept
 * sealed, refresh serialised by a lock so that two workers never spend
 * the same single-use (rotating) refresh token, and revocation.
 */
export class OAuthError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OAuthError'
  }
}

/** refresh this long before expiry so a token never dies mid-request */
const EXPIRY_MARGIN_MS = 60_000

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

/**
 * A form POST to one of the provider's OAuth endpoints (token, revocation)
 * with the client authenticated as the method declares (RFC 6749 §2.3.1).
 */
export async function clientPost(auth: OAuth2Auth, url: string, fields: Record<string, string>) {
  const clientId = option(auth.clientId) ?? ''
  const clientSecret = option(auth.clientSecret) ?? ''
  const form = new URLSearchParams(fields)
  const headers: Record<string, string> = {
    'accept': 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
  }
  if (auth.tokenAuthMethod === 'client_secret_basic') {
    const pair = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`
  } else {
    form.set('client_id', clientId)
    form.set('client_secret', clientSecret)
  }
  const client = new HttpClient({
    baseUrl: url,
    secrets: [clientSecret, ...Object.values(fields)],
    retries: { attempts: 2 },
  })
  return client.post<Record<string, unknown>>(url, { headers, body: form.toString() })
}

async function tokenRequest(auth: OAuth2Auth, grant: Record<string, string>) {
  const response = await clientPost(auth, option(auth.tokenUrl)!, grant).catch((error) => {
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

/**
 * The callback's code traded for tokens by the method's ally driver
 * (which sends the PKCE verifier it kept); any refusal or malformed
 * answer becomes a message for the Connections page.
 */
export async function exchangeCode(
  driver: Oauth2Driver<OAuthDriverToken, string>
): Promise<OAuthTokenSet> {
  try {
    return toTokenSet(await driver.accessToken())
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new OAuthError(`The provider refused the token request (${reason})`)
  }
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

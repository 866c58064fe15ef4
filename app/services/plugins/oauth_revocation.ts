import Connection from '#models/connection'
import type { LoadedPlugin } from '#services/plugins/registry'
import { findMethod } from '#services/plugins/auth_methods'
import { clientPost } from '#services/plugins/oauth2'
import { declared } from '#plugin-sdk/oauth_driver'
import type { OAuth2Auth } from '#plugin-sdk/types'

/**
 * Token revocation (RFC 7009) when an OAuth connection is disconnected:
 * the platform does it for every OAuth method that declares `revokeUrl`,
 * after the plugin's own onDisconnecting, in the same queued run (so a
 * provider that is down is retried and shown, and never blocks the
 * disconnect).
 */

/** the OAuth declaration a connection was made with, when it can be revoked */
function revocableAuth(plugin: LoadedPlugin | null, connection: Connection): OAuth2Auth | null {
  if (!plugin) return null
  const auth = findMethod(plugin, connection.authMethod)?.auth
  if (auth?.kind !== 'oauth2' || !auth.revokeUrl) return null
  return declared(auth.revokeUrl) ? auth : null
}

export function revokesOnDisconnect(plugin: LoadedPlugin | null, connection: Connection) {
  return revocableAuth(plugin, connection) !== null
}

/**
 * Revokes the connection's grant at the provider: its refresh token
 * (which ends the grant's access tokens too), else its access token.
 * Connections made from one authorisation (several sites of one grant)
 * share the tokens: the grant is revoked only with the last of them.
 * A refusal throws, so the run is retried.
 */
export async function revokeOAuthGrant(connection: Connection, plugin: LoadedPlugin) {
  const auth = revocableAuth(plugin, connection)
  if (!auth) return 'not_revocable' as const
  if (connection.oauthGrant) {
    // OAuth connections always belong to an organisation (installation scope takes no OAuth)
    const sharing = await Connection.query()
      .where('organization_id', connection.organizationId ?? 0)
      .where('plugin_id', connection.pluginId)
      .where('oauth_grant', connection.oauthGrant)
      .whereNot('id', connection.id)
      .first()
    if (sharing) return 'shared' as const
  }
  const credentials = connection.openCredentials()
  const [token, hint] = credentials.refreshToken
    ? [credentials.refreshToken, 'refresh_token']
    : [credentials.accessToken, 'access_token']
  if (!token) return 'no_token' as const
  await clientPost(auth, declared(auth.revokeUrl)!, { token, token_type_hint: hint })
  return 'revoked' as const
}

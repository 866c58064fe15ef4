import { randomBytes } from 'node:crypto'
import { pluginRegistry } from '#services/plugins/registry'
import { authorizationUrl, oauthMissingSettings, pkcePair } from '#services/plugins/oauth2'
import { findMethod } from '#services/plugins/auth_methods'
import { ConnectionActionRefused } from '#actions/connections/test_connection'

/** how long the user has to come back from the provider */
export const OAUTH_FLOW_LIFETIME_MS = 10 * 60 * 1000

export type PendingOAuthFlow = {
  pluginId: string
  /** the plugin's OAuth method the user picked */
  methodId: string
  organizationId: number
  redirectUri: string
  codeVerifier: string | null
  expiresAt: number
}

/**
 * The first leg of an OAuth connect: a single-use state (and a PKCE
 * verifier when the plugin asks for it) to keep until the provider sends
 * the user back, and the provider's authorize URL to send them to.
 */
export default class StartOAuthConnection {
  async execute(input: {
    pluginId: string
    methodId?: string | null
    organizationId: number
    redirectUri: string
  }) {
    const plugin = pluginRegistry.require(input.pluginId)
    const method = findMethod(plugin, input.methodId)
    const auth = method?.auth
    if (!method || auth?.kind !== 'oauth2') {
      throw new ConnectionActionRefused(`${plugin.definition.name} does not connect with OAuth.`)
    }
    const missing = oauthMissingSettings(auth)
    if (missing.length > 0) {
      throw new ConnectionActionRefused(
        `${plugin.definition.name} cannot connect yet: an administrator must configure ${missing.join(' and ')}.`
      )
    }
    const state = randomBytes(32).toString('base64url')
    const pkce = auth.pkce ? pkcePair() : null
    const flow: PendingOAuthFlow = {
      pluginId: plugin.id,
      methodId: method.id,
      organizationId: input.organizationId,
      redirectUri: input.redirectUri,
      codeVerifier: pkce?.verifier ?? null,
      expiresAt: Date.now() + OAUTH_FLOW_LIFETIME_MS,
    }
    const url = authorizationUrl(auth, {
      state,
      redirectUri: input.redirectUri,
      codeChallenge: pkce?.challenge,
    })
    return { state, flow, url }
  }
}

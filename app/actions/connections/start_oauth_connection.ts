import type { HttpContext } from '@adonisjs/core/http'
import { pluginRegistry } from '#services/plugins/registry'
import { oauthMissingSettings } from '#services/plugins/oauth2'
import { findMethod } from '#services/plugins/auth_methods'
import { pluginDriver } from '#services/plugins/ally_drivers'
import { ConnectionActionRefusedException } from '#actions/connections/test_connection'

/** how long the user has to come back from the provider */
export const OAUTH_FLOW_LIFETIME_MS = 10 * 60 * 1000

/**
 * What the callback needs to know besides what ally keeps (the state and
 * the PKCE verifier, in encrypted cookies): which plugin method and
 * organisation the attempt belongs to. Kept in the session under the
 * state the provider sends back.
 */
export type PendingOAuthFlow = {
  pluginId: string
  /** the plugin's OAuth method the user picked */
  methodId: string
  organizationId: number
  expiresAt: number
}

/**
 * The first leg of an OAuth connect: the plugin method's ally driver
 * answers with the redirect to the provider's authorize URL, keeping a
 * single-use state (and a PKCE verifier when the method asks for it).
 */
export default class StartOAuthConnection {
  async execute(input: {
    ctx: HttpContext
    pluginId: string
    methodId?: string | null
    organizationId: number
  }) {
    const plugin = pluginRegistry.require(input.pluginId)
    const method = findMethod(plugin, input.methodId)
    const auth = method?.auth
    if (!method || auth?.kind !== 'oauth2') {
      throw new ConnectionActionRefusedException(
        `${plugin.definition.name} does not connect with OAuth.`
      )
    }
    const missing = oauthMissingSettings(auth)
    if (missing.length > 0) {
      throw new ConnectionActionRefusedException(
        `${plugin.definition.name} cannot connect yet: an administrator must configure ${missing.join(' and ')}.`
      )
    }
    const driver = pluginDriver(input.ctx, plugin.id, method.id)
    if (!driver) {
      throw new ConnectionActionRefusedException(
        `${plugin.definition.name} cannot connect with OAuth now.`
      )
    }
    await driver.redirect()
    const url = String(input.ctx.response.getHeader('location') ?? '')
    const state = URL.canParse(url) ? new URL(url).searchParams.get('state') : null
    if (!state) {
      throw new ConnectionActionRefusedException(
        `${plugin.definition.name} cannot connect: its OAuth driver sends no state.`
      )
    }
    const flow: PendingOAuthFlow = {
      pluginId: plugin.id,
      methodId: method.id,
      organizationId: input.organizationId,
      expiresAt: Date.now() + OAUTH_FLOW_LIFETIME_MS,
    }
    return { state, flow, url }
  }
}

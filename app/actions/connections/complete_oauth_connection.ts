import type Organization from '#models/organization'
import type User from '#models/user'
import { pluginRegistry } from '#services/plugins/registry'
import { exchangeCode, OAuthError, tokenCredentials } from '#services/plugins/oauth2'
import { ConnectionActionRefused } from '#actions/connections/test_connection'
import {
  finishConnecting,
  upsertConnection,
  type ConnectOutcome,
} from '#actions/connections/store_connection'

/**
 * The second leg of an OAuth connect, once the state has been checked:
 * trade the code for tokens, store them sealed on the account's
 * connection (replacing older tokens when reconnecting), then test and
 * queue a first sync like a token connect.
 */
export default class CompleteOAuthConnection {
  async execute(input: {
    organization: Organization
    actor: User
    pluginId: string
    code: string
    redirectUri: string
    codeVerifier: string | null
  }): Promise<ConnectOutcome> {
    const plugin = pluginRegistry.require(input.pluginId)
    const auth = plugin.definition.connection?.auth
    if (auth?.kind !== 'oauth2') {
      throw new ConnectionActionRefused(`${plugin.definition.name} does not connect with OAuth.`)
    }
    const token = await exchangeCode(plugin, {
      code: input.code,
      redirectUri: input.redirectUri,
      codeVerifier: input.codeVerifier ?? undefined,
    })
    let account: { key: string; name?: string } | undefined
    try {
      account = auth.accountFromToken?.(token)
    } catch (error) {
      throw new OAuthError(
        `The provider's answer does not name an account (${error instanceof Error ? error.message : String(error)})`
      )
    }
    const connection = await upsertConnection({
      organizationId: input.organization.id,
      pluginId: plugin.id,
      accountKey: (account?.key || 'default').slice(0, 191),
      createdById: input.actor.id,
      displayName: account?.name?.slice(0, 191) ?? null,
      config: {},
      credentials: tokenCredentials(token),
      baseUrl: null,
      status: 'active',
    })
    return finishConnecting(connection, plugin)
  }
}

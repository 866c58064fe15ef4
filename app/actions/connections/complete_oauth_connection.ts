import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type Organization from '#models/organization'
import type User from '#models/user'
import OauthAccountChoice from '#models/oauth_account_choice'
import { HttpClient } from '#services/http/client'
import { checkOutboundUrl } from '#services/http/outbound_dispatcher'
import { OutboundRequestRefused } from '#services/http/outbound_policy'
import { pluginRegistry, type LoadedPlugin } from '#services/plugins/registry'
import { findMethod, storedMethodId, type ConnectMethod } from '#services/plugins/auth_methods'
import { OAuthError, tokenCredentials } from '#services/plugins/oauth2'
import { ConnectionActionRefusedException } from '#actions/connections/test_connection'
import {
  finishConnecting,
  upsertConnection,
  type ConnectOutcome,
} from '#actions/connections/store_connection'
import type { OAuth2Auth, OAuthTokenSet } from '#plugin-sdk/types'
import type { ResolvedAccount } from '#plugin-sdk/auth_methods'

/** how long the member has to pick the accounts an authorisation reaches */
export const ACCOUNT_CHOICE_LIFETIME_MINUTES = 15
/** a provider listing more accounts than this is answering something else */
const MAX_ACCOUNTS = 200

export type OAuthCompletion =
  { kind: 'connected'; outcome: ConnectOutcome } | { kind: 'choose'; choicePublicId: string }

/**
 * The second leg of an OAuth connect, once ally's driver has checked the
 * state and traded the code for tokens: either store them sealed on the
 * account's connection (replacing older tokens when reconnecting) and
 * test it and queue a first sync like a token connect, or, when the
 * grant reaches several accounts, keep the tokens sealed until the
 * member picks which accounts to connect (ConnectChosenAccounts).
 */
export default class CompleteOAuthConnection {
  async execute(input: {
    organization: Organization
    actor: User
    pluginId: string
    methodId?: string | null
    /** the tokens ally's driver traded the callback's code for */
    token: OAuthTokenSet
  }): Promise<OAuthCompletion> {
    const plugin = pluginRegistry.require(input.pluginId)
    const method = findMethod(plugin, input.methodId)
    const auth = method?.auth
    if (!method || auth?.kind !== 'oauth2') {
      throw new ConnectionActionRefusedException(
        `${plugin.definition.name} does not connect with OAuth.`
      )
    }
    const token = input.token

    if (auth.resolveAccounts) {
      const accounts = await resolvedAccounts(plugin, auth, token)
      if (accounts.length > 1) {
        const choice = await keepForChoice(input, plugin, method, token, accounts)
        return { kind: 'choose', choicePublicId: choice.publicId }
      }
      const [only] = accounts
      await ensureReachable(only)
      const connection = await upsertConnection({
        organizationId: input.organization.id,
        pluginId: plugin.id,
        accountKey: only.key,
        createdById: input.actor.id,
        displayName: only.name,
        config: only.config ?? {},
        credentials: tokenCredentials(token),
        baseUrl: only.baseUrl ?? null,
        status: 'active',
        authMethod: storedMethodId(method),
      })
      return { kind: 'connected', outcome: await finishConnecting(connection, plugin) }
    }

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
      authMethod: storedMethodId(method),
    })
    return { kind: 'connected', outcome: await finishConnecting(connection, plugin) }
  }
}

/**
 * The plugin's list of accounts, checked: each needs a key and a name,
 * keys are unique, and a base URL must be an http(s) address. A plugin
 * that cannot list them fails the connect with a message, never a 500.
 */
async function resolvedAccounts(
  plugin: LoadedPlugin,
  auth: OAuth2Auth,
  token: OAuthTokenSet
): Promise<ResolvedAccount[]> {
  const defaultBaseUrl = plugin.definition.connection?.baseUrl?.default ?? ''
  const http = new HttpClient({
    baseUrl: defaultBaseUrl,
    secrets: [token.accessToken, token.refreshToken ?? ''].filter(Boolean),
    retries: { attempts: 2 },
  })
  let listed: ResolvedAccount[]
  try {
    listed = await auth.resolveAccounts!(token, http)
  } catch (error) {
    throw new OAuthError(
      `could not list the accounts this authorisation reaches (${error instanceof Error ? error.message : String(error)})`
    )
  }
  if (!Array.isArray(listed) || listed.length === 0) {
    throw new OAuthError('this authorisation reaches no account to connect')
  }
  const seen = new Set<string>()
  const accounts: ResolvedAccount[] = []
  for (const account of listed.slice(0, MAX_ACCOUNTS)) {
    const key = String(account?.key ?? '').slice(0, 191)
    if (!key || seen.has(key)) continue
    seen.add(key)
    const baseUrl =
      typeof account.baseUrl === 'string' && /^https?:\/\//i.test(account.baseUrl)
        ? account.baseUrl.replace(/\/+$/, '')
        : undefined
    accounts.push({
      key,
      name: String(account.name || key).slice(0, 191),
      baseUrl,
      config: account.config && typeof account.config === 'object' ? account.config : {},
    })
  }
  if (accounts.length === 0) throw new OAuthError('the provider named no usable account')
  return accounts
}

/** an account's API root is an address the server will call: the outbound policy decides */
async function ensureReachable(account: ResolvedAccount) {
  if (!account.baseUrl) return
  try {
    await checkOutboundUrl(account.baseUrl)
  } catch (error) {
    if (!(error instanceof OutboundRequestRefused)) throw error
    throw new OAuthError(`${account.name} cannot be connected: its address is ${error.message}`)
  }
}

async function keepForChoice(
  input: { organization: Organization; actor: User },
  plugin: LoadedPlugin,
  method: ConnectMethod,
  token: OAuthTokenSet,
  accounts: ResolvedAccount[]
) {
  return db.transaction(async (trx) => {
    const choice = new OauthAccountChoice()
    choice.useTransaction(trx)
    choice.merge({
      organizationId: input.organization.id,
      userId: input.actor.id,
      pluginId: plugin.id,
      authMethod: method.id,
      accounts: JSON.stringify(accounts),
      expiresAt: DateTime.now().plus({ minutes: ACCOUNT_CHOICE_LIFETIME_MINUTES }),
    })
    // Sealing binds the token to the row id: the row is saved first.
    await choice.save()
    choice.sealToken(token)
    await choice.save()
    return choice
  })
}

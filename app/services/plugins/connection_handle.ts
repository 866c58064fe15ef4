import { createHash } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import Connection from '#models/connection'
import { publicIds } from '#services/public_id'
import { HttpClient, type HttpClientOptions } from '#services/http/client'
import { DatabaseConditionalCache } from '#services/http/conditional_cache'
import { FencedDomainStore, type InsightRowsListener } from '#services/domain/domain_store'
import type { AiFactsListener } from '#services/ai_code/fact_changes'
import { validAccessToken } from '#services/plugins/oauth2'
import { forgetAccessToken, validMintedToken } from '#services/plugins/minted_tokens'
import type { LoadedPlugin } from '#services/plugins/registry'
import { methodOfConnection, type ConnectMethod } from '#services/plugins/auth_methods'
import type { ConnectionHandle, ConnectionStatus } from '#plugin-sdk/types'
import type { DomainStore } from '#plugin-sdk/domain'
import { recordConnectionRequest } from '#services/telemetry/metrics'
import { enqueueSync } from '#services/plugins/sync_queue'

/**
 * A fingerprint of the credentials, safe to store: part of the HTTP cache
 * key, so a response cached under one token is never replayed for another.
 */
export function credentialFingerprint(credentials: Record<string, string>) {
  const material = Object.keys(credentials)
    .sort()
    .map((key) => `${key}=${credentials[key]}`)
    .join('\n')
  return createHash('sha256').update(`sextant-http-cache\n${material}`).digest('hex').slice(0, 32)
}

export function baseUrlOf(connection: Connection, plugin: LoadedPlugin) {
  return (connection.baseUrl ?? plugin.definition.connection?.baseUrl?.default ?? '').replace(
    /\/+$/,
    ''
  )
}

/**
 * How a request proves who it is: the plugin's own requestHeaders, or a
 * bearer token (OAuth access token, or the token / apiKey credential).
 */
export async function authenticationHeaders(
  handle: ConnectionHandle,
  method: ConnectMethod | null
): Promise<Record<string, string>> {
  if (method?.requestHeaders) return method.requestHeaders(handle)
  if (!method || method.auth.kind === 'none') return {}
  if (method.auth.kind === 'basic') {
    const username = handle.config[method.auth.usernameField] ?? ''
    const password = handle.credentials[method.auth.passwordField] ?? ''
    const pair = Buffer.from(`${String(username)}:${password}`).toString('base64')
    return { authorization: `Basic ${pair}` }
  }
  return { authorization: `Bearer ${await handle.accessToken()}` }
}

/**
 * An installation-scoped connection belongs to no organisation, so it has
 * no domain model to write: every call says so instead of writing rows
 * nobody can see.
 */
function installationStore(pluginId: string): DomainStore {
  return new Proxy({} as DomainStore, {
    get(_target, property) {
      if (property === 'then') return undefined
      return () => {
        throw new Error(
          `${pluginId}: an installation-scoped connection has no organisation's domain model (store.${String(property)})`
        )
      }
    },
  })
}

/**
 * The view of a connection handed to plugin code: public ids only,
 * credentials opened in memory, and a domain store fenced to the
 * connection's organisation and provider (whose writes mark the
 * organisation's insights dirty unless onInsightRows says otherwise).
 */
export function connectionHandle(
  connection: Connection,
  plugin: LoadedPlugin,
  storeOptions: {
    onInsightRows?: InsightRowsListener
    onPullRequests?: (externalIds: string[]) => void
    onAiFacts?: AiFactsListener
  } = {}
): ConnectionHandle {
  let credentials = connection.openCredentials()
  const method = methodOfConnection(plugin, connection)
  const organizationId = connection.organizationId
  const organizationPublicId =
    organizationId === null ? null : publicIds('organization').encode(organizationId)

  return {
    publicId: connection.publicId,
    organizationPublicId,
    pluginId: connection.pluginId,
    accountKey: connection.accountKey,
    get displayName() {
      return connection.displayName
    },
    get status() {
      return connection.status
    },
    baseUrl: baseUrlOf(connection, plugin),
    get config() {
      return connection.configValues
    },
    get credentials() {
      return credentials
    },
    async accessToken() {
      const auth = method?.auth
      if (auth?.kind === 'oauth2') {
        const token = await validAccessToken(connection, plugin)
        credentials = connection.openCredentials()
        return token
      }
      if (auth?.kind === 'app_installation') {
        const token = await validMintedToken(connection, auth, this)
        credentials = connection.openCredentials()
        return token
      }
      const token = credentials.accessToken ?? credentials.token ?? credentials.apiKey
      if (!token) throw new Error(`Connection ${connection.publicId} holds no token`)
      return token
    },
    async client(options: Partial<HttpClientOptions> = {}) {
      const headers = await authenticationHeaders(this, method)
      return this.http({ ...options, headers: { ...headers, ...options.headers } })
    },
    http(options: Partial<HttpClientOptions> = {}) {
      const client = new HttpClient({
        baseUrl: baseUrlOf(connection, plugin),
        credentialFingerprint: credentialFingerprint(credentials),
        cache: new DatabaseConditionalCache({ connectionId: connection.id }),
        secrets: Object.values(credentials),
        budget: env.get('SYNC_REQUEST_BUDGET'),
        concurrency: env.get('SYNC_CONCURRENCY', 4),
        ...options,
        // A base URL someone typed in the connect form goes through the
        // outbound policy, and no option turns that off; the plugin's
        // default (the operator's env) is trusted.
        enforceOutboundPolicy:
          connection.baseUrl !== null || options.enforceOutboundPolicy === true,
      })
      // sextant.sync.requests and the rate-limit headroom, per connection
      const label = { pluginId: plugin.id, connectionPublicId: connection.publicId }
      client.onRequest((info) =>
        recordConnectionRequest(label, info.status, client.stats.rateLimit)
      )
      return client
    },
    async forgetAccessToken() {
      if (method?.auth.kind !== 'app_installation') return
      await forgetAccessToken(connection)
      credentials = connection.openCredentials()
    },
    async remove() {
      await Connection.query().where('id', connection.id).delete()
    },
    async queueSync(options = {}) {
      // RunSyncJob, registered at boot (start/sync_queue.ts)
      await enqueueSync({
        connectionId: connection.id,
        trigger: 'button',
        tasks: options.tasks,
        includeSnapshots: options.includeSnapshots,
      })
    },
    store:
      organizationId === null
        ? installationStore(plugin.id)
        : new FencedDomainStore(
            { organizationId, provider: connection.pluginId, connectionId: connection.id },
            storeOptions.onInsightRows,
            storeOptions.onPullRequests,
            storeOptions.onAiFacts
          ),
    async update(changes) {
      await db.transaction(async (trx) => {
        const fresh = await Connection.query({ client: trx })
          .where('id', connection.id)
          .forUpdate()
          .firstOrFail()
        if (changes.config) fresh.configValues = { ...fresh.configValues, ...changes.config }
        if (changes.credentials) {
          fresh.sealCredentials({ ...fresh.openCredentials(), ...changes.credentials })
        }
        if (changes.displayName !== undefined) fresh.displayName = changes.displayName
        if (changes.status) fresh.status = changes.status as ConnectionStatus
        await fresh.save()
        connection.merge({
          config: fresh.config,
          credentials: fresh.credentials,
          displayName: fresh.displayName,
          status: fresh.status,
        })
      })
      credentials = connection.openCredentials()
    },
  }
}

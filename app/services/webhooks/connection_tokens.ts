import { randomBytes } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { appUrl } from '#config/app'
import { secretBox } from '#services/secret_box'
import { publicIds } from '#services/public_id'
import { secretsMatch } from '#services/webhooks/signatures'
import type { PluginDefinition } from '#plugin-sdk/types'
import type { ConnectionWebhookUrls } from '#plugin-sdk/lifecycle'

/**
 * Per-connection webhook URLs for providers that cannot sign their
 * deliveries (Mailchimp, Azure DevOps service hooks): the URL carries the
 * connection's public id and a 256-bit token, sealed at rest like any
 * credential (connections.webhook_token) and compared in constant time.
 * Rotating it replaces the token, so the old URL stops working at once.
 */

/** connections that still take deliveries (not disconnecting, not failed to connect) */
const RECEIVING = ['active', 'inactive']

const purpose = (connectionId: number) => ({
  table: 'connections',
  column: 'webhook_token',
  rowId: connectionId,
})

export function usesUrlTokens(definition: PluginDefinition) {
  return definition.webhooks?.authentication === 'url-token'
}

function newToken() {
  return randomBytes(32).toString('base64url')
}

function urlFor(pluginId: string, connectionPublicId: string, token: string) {
  return `${appUrl.replace(/\/+$/, '')}/api/webhooks/${pluginId}/c/${connectionPublicId}/${token}`
}

/** the shared URL of a plugin that verifies signatures */
export function sharedWebhookUrl(pluginId: string) {
  return `${appUrl.replace(/\/+$/, '')}/api/webhooks/${pluginId}`
}

async function readToken(connectionId: number): Promise<string | null> {
  const row = await db.from('connections').where('id', connectionId).select('webhook_token').first()
  return row?.webhook_token ? secretBox().open(row.webhook_token, purpose(connectionId)) : null
}

/**
 * The connection's own webhook URL, its token created on first use. Two
 * callers racing both end up with the token the first one stored.
 */
export async function connectionWebhookUrl(connection: {
  id: number
  publicId: string
  pluginId: string
}): Promise<string> {
  let token = await readToken(connection.id)
  if (!token) {
    await db
      .from('connections')
      .where('id', connection.id)
      .whereNull('webhook_token')
      .update({ webhook_token: secretBox().seal(newToken(), purpose(connection.id)) })
    token = await readToken(connection.id)
  }
  if (!token) throw new Error('The connection no longer exists')
  return urlFor(connection.pluginId, connection.publicId, token)
}

/** replaces the connection's token; returns its new URL */
export async function rotateConnectionWebhookToken(connection: {
  id: number
  publicId: string
  pluginId: string
}): Promise<string> {
  const token = newToken()
  await db
    .from('connections')
    .where('id', connection.id)
    .update({ webhook_token: secretBox().seal(token, purpose(connection.id)) })
  return urlFor(connection.pluginId, connection.publicId, token)
}

/** what a lifecycle hook or a sync task sees of the connection's webhook URLs */
export function connectionWebhookUrls(
  connection: { id: number; publicId: string; pluginId: string },
  definition: PluginDefinition
): ConnectionWebhookUrls {
  const urlToken = usesUrlTokens(definition)
  return {
    url: async () =>
      urlToken ? connectionWebhookUrl(connection) : sharedWebhookUrl(definition.id),
    rotate: async () => {
      if (!urlToken) throw new Error(`${definition.name} webhooks have no per-connection URL`)
      return rotateConnectionWebhookToken(connection)
    },
  }
}

/**
 * The id of the connection a per-connection URL names, when its token is
 * the connection's current one; null otherwise (unknown connection,
 * another plugin's, disconnecting, never given a token, wrong token).
 */
export async function connectionIdForToken(
  pluginId: string,
  connectionPublicId: string,
  token: string
): Promise<number | null> {
  const id = publicIds('connection').decode(connectionPublicId)
  if (id === null) return null
  const row = await db
    .from('connections')
    .where('id', id)
    .where('plugin_id', pluginId)
    .whereIn('status', RECEIVING)
    .select('webhook_token')
    .first()
  if (!row?.webhook_token) return null
  const expected = secretBox().open(row.webhook_token, purpose(id))
  return secretsMatch(token, expected) ? id : null
}

/** the token of a per-connection URL, masked for logs and stored deliveries */
export function maskWebhookToken(url: string) {
  return url.replace(/(\/api\/webhooks\/[^/]+\/c\/[^/]+\/)[^/?#]+/, '$1…')
}

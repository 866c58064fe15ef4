import { createHash } from 'node:crypto'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import { insertedId, sqlTime } from '#services/sql'
import { publicIds } from '#services/public_id'
import { pluginRegistry, type LoadedPlugin } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import ProcessWebhookJob from '#jobs/process_webhook_job'
import { connectionIdForToken, usesUrlTokens } from '#services/webhooks/connection_tokens'
import { recordWebhookReceived } from '#services/telemetry/metrics'
import type { WebhookRequest } from '#plugin-sdk/types'

export type WebhookReceipt =
  | { outcome: 'accepted' | 'duplicate'; deliveryId: string }
  | { outcome: 'refused'; status: 400 | 401 | 403 | 404 | 405; reason: string }

/** a request as the controller read it: the connection, if any, is resolved here */
export type IncomingWebhook = Omit<WebhookRequest, 'connection'>

/** the connection part of a per-connection webhook URL */
export type ConnectionWebhookAddress = { connectionPublicId: string; token: string }

type Refusal = Extract<WebhookReceipt, { outcome: 'refused' }>

/** connections that are leaving (onDisconnecting pending) take no deliveries */
const RECEIVING = ['active', 'inactive', 'error', 'pending']

/**
 * The plugin and, for a per-connection URL, the connection whose token it
 * carries; a refusal when either is wrong. A url-token plugin takes
 * nothing on its shared URL: only a checked token says whose it is.
 */
export async function resolveWebhookTarget(
  pluginId: string,
  address: ConnectionWebhookAddress | null,
  options: { legacyPath?: boolean } = {}
): Promise<
  { refused: Refusal } | { refused: null; plugin: LoadedPlugin; connection: Connection | null }
> {
  const plugin = pluginRegistry.get(pluginId)
  if (!plugin?.definition.webhooks) {
    const reason = `No plugin "${pluginId}" receives webhooks`
    return { refused: { outcome: 'refused', status: 404, reason } }
  }
  if (!address) {
    const verifiesLegacy =
      options.legacyPath && plugin.definition.webhooks.legacyPathAuthentication === 'verify'
    if (usesUrlTokens(plugin.definition) && !verifiesLegacy) {
      const reason = `${plugin.definition.name} deliveries go to each connection's own webhook URL`
      return { refused: { outcome: 'refused', status: 401, reason } }
    }
    return { refused: null, plugin, connection: null }
  }
  const connectionId = await connectionIdForToken(
    plugin.id,
    address.connectionPublicId,
    address.token
  )
  const connection = connectionId === null ? null : await Connection.find(connectionId)
  if (!connection) {
    // one answer for an unknown connection and a wrong or rotated token
    const reason = 'This webhook URL is unknown, or its token was rotated'
    return { refused: { outcome: 'refused', status: 404, reason } }
  }
  return { refused: null, plugin, connection }
}

/** a plugin's connection that takes deliveries, by public id */
async function receivingConnection(pluginId: string, publicId: string) {
  const id = publicIds('connection').decode(publicId)
  if (id === null) return null
  return Connection.query()
    .where('id', id)
    .where('plugin_id', pluginId)
    .whereIn('status', RECEIVING)
    .first()
}

/**
 * Headers worth keeping with a delivery for diagnosis and replay;
 * authentication material (signatures stay: they are not secrets, but
 * cookies and authorization headers are) is dropped.
 */
const DROPPED_HEADERS = new Set(['authorization', 'cookie', 'x-api-key', 'proxy-authorization'])

/**
 * Test hook (NODE_ENV=test only): the scale-out test names one delivery
 * in WEBHOOK_TEST_CRASH_AFTER_STORE, and the web process storing it dies
 * at once, as a crash would, after the row exists and before its job is
 * queued. The sweeper must then queue it.
 */
function crashForTest(deliveryId: string) {
  if (app.inTest && process.env.WEBHOOK_TEST_CRASH_AFTER_STORE === deliveryId) {
    process.kill(process.pid, 'SIGKILL')
  }
}

/** a signed body replayed under a new delivery id within this window is a duplicate */
export const REPLAY_WINDOW_HOURS = 72

/**
 * A webhook arrives: the plugin verifies it, then it is stored durably,
 * deduplicated by (plugin, delivery id) and by (plugin, digest of the
 * body) within 72 hours, and queued for processing. The sender gets its
 * answer (202) as soon as the row exists.
 */
type ReceiveInput = {
  pluginId: string
  request: IncomingWebhook
  /** set when the delivery came to a per-connection URL */
  address?: ConnectionWebhookAddress | null
  /** it came to one of the plugin's legacy paths */
  legacyPath?: boolean
}

export default class ReceiveWebhook {
  async execute(input: ReceiveInput): Promise<WebhookReceipt> {
    const receipt = await this.#receive(input)
    // an id no plugin has is "unknown": a URL cannot mint metric series
    const known = pluginRegistry.get(input.pluginId) ? input.pluginId : null
    recordWebhookReceived(known, receipt.outcome)
    return receipt
  }

  async #receive(input: ReceiveInput): Promise<WebhookReceipt> {
    const target = await resolveWebhookTarget(input.pluginId, input.address ?? null, {
      legacyPath: input.legacyPath,
    })
    if (target.refused) return target.refused
    const { plugin } = target
    const verification = await plugin.definition.webhooks!.verify(
      {
        ...input.request,
        connection: target.connection ? connectionHandle(target.connection, plugin) : null,
      },
      {
        connectionsFor: async (accountKey) => {
          const rows = await Connection.query()
            .where('plugin_id', plugin.id)
            .where('account_key', accountKey)
            .whereIn('status', ['active', 'inactive'])
          return rows.map((row) => connectionHandle(row, plugin))
        },
        connection: async (publicId) => {
          const row = await receivingConnection(plugin.id, publicId)
          return row ? connectionHandle(row, plugin) : null
        },
      }
    )
    if (!verification.ok) {
      return { outcome: 'refused', status: verification.status ?? 401, reason: verification.reason }
    }

    // A connection named by the verification (a legacy path's credentials)
    // is looked up here; the common shared-URL case is resolved inside the
    // INSERT below.
    const named =
      target.connection ??
      (verification.connectionPublicId
        ? await receivingConnection(plugin.id, verification.connectionPublicId)
        : null)
    const headers = Object.fromEntries(
      Object.entries(input.request.headers).filter(([name]) => !DROPPED_HEADERS.has(name))
    )
    const now = sqlTime()
    const bodyDigest = createHash('sha256').update(input.request.rawBody).digest('hex')
    // A provider that sends no delivery id: the body's digest stands for
    // one, so the same delivery sent again is stored (and processed) once.
    const deliveryId = (verification.deliveryId || `sha256:${bodyDigest}`).slice(0, 191)
    const writer = db.connection().getWriteClient()
    // The connection a shared-URL delivery belongs to is looked up inside
    // the INSERT (one statement, one round trip, one snapshot for both
    // columns) rather than by a query of its own before it.
    const owner = (column: 'organization_id' | 'id') =>
      writer.raw(
        `(SELECT ${column} FROM connections WHERE plugin_id = ? AND account_key = ? AND status IN (${RECEIVING.map(() => '?').join(', ')}) ORDER BY id LIMIT 1)`,
        [plugin.id, verification.accountKey!, ...RECEIVING]
      )
    const ownership = named
      ? { organization_id: named.organizationId, connection_id: named.id }
      : verification.accountKey
        ? { organization_id: owner('organization_id'), connection_id: owner('id') }
        : { organization_id: null, connection_id: null }
    const insert = () =>
      writer('webhook_deliveries')
        .insert({
          plugin_id: plugin.id,
          delivery_id: deliveryId,
          event: verification.event.slice(0, 128),
          action: verification.action?.slice(0, 128) ?? null,
          ...ownership,
          headers: JSON.stringify(headers),
          payload: input.request.rawBody.toString('utf8'),
          body_digest: bodyDigest,
          status: 'pending',
          attempts: 0,
          received_at: now,
          updated_at: now,
        })
        // a repeated delivery id, or the same body again within the window
        .onConflict()
        .ignore()
        .returning('id')
    let inserted = await insert()
    if (insertedId(inserted) === null) {
      // Held back by a digest older than the replay window? It no longer
      // holds a body back: cleared, and the delivery stored. (Cleared
      // here, on a conflict, rather than before every insert: the common
      // delivery is one statement.)
      const cleared = await writer('webhook_deliveries')
        .where('plugin_id', plugin.id)
        .where('body_digest', bodyDigest)
        .where('received_at', '<', sqlTime(DateTime.now().minus({ hours: REPLAY_WINDOW_HOURS })))
        .update({ body_digest: null })
      if (Number(cleared) > 0) inserted = await insert()
    }
    const rowId = insertedId(inserted)
    if (rowId === null) return { outcome: 'duplicate', deliveryId }
    crashForTest(deliveryId)

    await ProcessWebhookJob.dispatch({ deliveryRowId: rowId })
    return { outcome: 'accepted', deliveryId }
  }
}

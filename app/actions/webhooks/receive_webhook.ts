import { createHash } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import { insertedId, sqlTime } from '#services/sql'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import ProcessWebhookJob from '#jobs/process_webhook_job'
import type { WebhookRequest } from '#plugin-sdk/types'

export type WebhookReceipt =
  | { outcome: 'accepted' | 'duplicate'; deliveryId: string }
  | { outcome: 'refused'; status: 400 | 401 | 403 | 404; reason: string }

/**
 * Headers worth keeping with a delivery for diagnosis and replay;
 * authentication material (signatures stay: they are not secrets, but
 * cookies and authorization headers are) is dropped.
 */
const DROPPED_HEADERS = new Set(['authorization', 'cookie', 'x-api-key', 'proxy-authorization'])

/** a signed body replayed under a new delivery id within this window is a duplicate */
export const REPLAY_WINDOW_HOURS = 72

/**
 * A webhook arrives: the plugin verifies it, then it is stored durably,
 * deduplicated by (plugin, delivery id) and by (plugin, digest of the
 * body) within 72 hours, and queued for processing. The sender gets its
 * answer (202) as soon as the row exists.
 */
export default class ReceiveWebhook {
  async execute(input: { pluginId: string; request: WebhookRequest }): Promise<WebhookReceipt> {
    const plugin = pluginRegistry.get(input.pluginId)
    if (!plugin?.definition.webhooks) {
      return {
        outcome: 'refused',
        status: 404,
        reason: `No plugin "${input.pluginId}" receives webhooks`,
      }
    }
    const verification = await plugin.definition.webhooks.verify(input.request, {
      connectionsFor: async (accountKey) => {
        const rows = await Connection.query()
          .where('plugin_id', plugin.id)
          .where('account_key', accountKey)
          .whereIn('status', ['active', 'inactive'])
        return rows.map((row) => connectionHandle(row, plugin))
      },
    })
    if (!verification.ok) {
      return { outcome: 'refused', status: verification.status ?? 401, reason: verification.reason }
    }

    const connection = verification.accountKey
      ? await Connection.query()
          .where('plugin_id', plugin.id)
          .where('account_key', verification.accountKey)
          .orderBy('id')
          .first()
      : null
    const headers = Object.fromEntries(
      Object.entries(input.request.headers).filter(([name]) => !DROPPED_HEADERS.has(name))
    )
    const now = sqlTime()
    const bodyDigest = createHash('sha256').update(input.request.rawBody).digest('hex')
    const writer = db.connection().getWriteClient()
    // a digest older than the replay window no longer holds a body back
    await writer('webhook_deliveries')
      .where('plugin_id', plugin.id)
      .where('body_digest', bodyDigest)
      .where('received_at', '<', sqlTime(DateTime.now().minus({ hours: REPLAY_WINDOW_HOURS })))
      .update({ body_digest: null })
    const inserted = await writer('webhook_deliveries')
      .insert({
        plugin_id: plugin.id,
        delivery_id: verification.deliveryId.slice(0, 191),
        event: verification.event.slice(0, 128),
        action: verification.action?.slice(0, 128) ?? null,
        organization_id: connection?.organizationId ?? null,
        connection_id: connection?.id ?? null,
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
    const rowId = insertedId(inserted)
    if (rowId === null) return { outcome: 'duplicate', deliveryId: verification.deliveryId }

    await ProcessWebhookJob.dispatch({ deliveryRowId: rowId })
    return { outcome: 'accepted', deliveryId: verification.deliveryId }
  }
}

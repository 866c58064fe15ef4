import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Connection from '#models/connection'
import { sqlTime, updatedExactlyOne } from '#services/sql'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { parseWebhookBody } from '#services/webhooks/bodies'
import { recordWebhookProcessed } from '#services/telemetry/metrics'

export type ProcessingOutcome = 'processed' | 'skipped' | 'failed'

/**
 * Runs the plugin's handler for one stored delivery, exactly once: the
 * delivery is claimed with a conditional UPDATE (pending or failed →
 * processing), so a duplicate job, a retry racing a manual Retry or a
 * second worker finds nothing to claim. A worker killed mid-handler
 * leaves the delivery "processing" until the sweeper queues it again;
 * what the handler wrote through context.transaction() is rolled back
 * with it, so those writes happen once.
 */
export default class ProcessWebhookDelivery {
  async execute(deliveryRowId: number): Promise<ProcessingOutcome> {
    const claimed = await db
      .from('webhook_deliveries')
      .where('id', deliveryRowId)
      .whereIn('status', ['pending', 'failed'])
      .update({ status: 'processing', attempts: db.raw('attempts + 1'), updated_at: sqlTime() })
    if (!updatedExactlyOne(claimed)) {
      const row = await db.from('webhook_deliveries').where('id', deliveryRowId).first()
      if (row) recordWebhookProcessed(row.plugin_id, 'skipped', null)
      return 'skipped'
    }

    const delivery = await db.from('webhook_deliveries').where('id', deliveryRowId).firstOrFail()
    // opened by the handler if it asks (context.transaction()), committed with the mark
    let transaction: TransactionClientContract | null = null
    const openTransaction = async () => (transaction ??= await db.transaction())
    try {
      await this.#handle(delivery, openTransaction)
      const processed = {
        status: 'processed',
        last_error: null,
        processed_at: sqlTime(),
        updated_at: sqlTime(),
      }
      const opened = transaction as TransactionClientContract | null
      if (opened) {
        await opened.from('webhook_deliveries').where('id', deliveryRowId).update(processed)
        await opened.commit()
      } else {
        await db.from('webhook_deliveries').where('id', deliveryRowId).update(processed)
      }
      recordWebhookProcessed(delivery.plugin_id, 'processed', new Date(delivery.received_at))
      return 'processed'
    } catch (error) {
      const opened = transaction as TransactionClientContract | null
      if (opened && !opened.isCompleted) await opened.rollback()
      const message = error instanceof Error ? error.message : String(error)
      logger.warn(
        { plugin: delivery.plugin_id, delivery: delivery.delivery_id, event: delivery.event },
        `Webhook delivery failed: ${message}`
      )
      await db
        .from('webhook_deliveries')
        .where('id', deliveryRowId)
        .update({ status: 'failed', last_error: message.slice(0, 2000), updated_at: sqlTime() })
      recordWebhookProcessed(delivery.plugin_id, 'failed', null)
      throw error
    }
  }

  async #handle(
    delivery: Record<string, any>,
    transaction: () => Promise<TransactionClientContract>
  ) {
    const plugin = pluginRegistry.require(delivery.plugin_id)
    const handlers = plugin.definition.webhooks?.handlers ?? {}
    // The event name comes from the request: own properties only, so
    // "__proto__" or "constructor" never reaches Object.prototype.
    const own = (name: string) => (Object.hasOwn(handlers, name) ? handlers[name] : undefined)
    const handler =
      (delivery.action && own(`${delivery.event}.${delivery.action}`)) ||
      own(delivery.event) ||
      own('*')
    // A delivery no handler wants (an event the plugin ignores) is done.
    if (!handler) return
    const connection = delivery.connection_id ? await Connection.find(delivery.connection_id) : null
    const headers = JSON.parse(delivery.headers) as Record<string, string>
    await handler({
      delivery: {
        id: delivery.delivery_id,
        event: delivery.event,
        action: delivery.action,
        payload: parsePayload(delivery.payload, headers),
        headers,
        receivedAt: new Date(delivery.received_at),
      },
      connection: connection ? connectionHandle(connection, plugin) : null,
      logger: logger.child({ plugin: plugin.id, delivery: delivery.delivery_id }),
      transaction,
    })
  }
}

/**
 * The stored body, parsed as it was at receipt (by its content type):
 * JSON, or form fields. A body of another type is tried as JSON, then
 * as a form, as deliveries stored before the content type mattered were.
 */
function parsePayload(raw: string, headers: Record<string, string>): unknown {
  const parsed = parseWebhookBody(raw, headers['content-type'] ?? null)
  if (parsed !== undefined) return parsed
  return parseWebhookBody(raw, null) ?? parseWebhookBody(raw, 'application/x-www-form-urlencoded')
}

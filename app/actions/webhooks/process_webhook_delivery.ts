import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Connection from '#models/connection'
import { sqlTime, updatedExactlyOne } from '#services/sql'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { parseWebhookBody } from '#services/webhooks/bodies'
import PostStatusCheck from '#actions/status_checks/post_status_check'
import EvaluateTouchedPullRequests from '#actions/ai_code/evaluate_touched_pull_requests'
import ApplyAiFactChanges from '#actions/ai_code/apply_ai_fact_changes'
import type { AiFactChanges } from '#services/ai_code/fact_changes'
import type { CoreStatusChecks } from '#plugin-sdk/status_checks'
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
    const touched = new Set<string>()
    const storeOptions = {
      onPullRequests: (ids: string[]) => ids.forEach((id) => touched.add(id)),
      onAiFacts: async (organizationId: number, changes: AiFactChanges) => {
        await new ApplyAiFactChanges().execute({ organizationId, changes })
      },
    }
    await handler({
      delivery: {
        id: delivery.delivery_id,
        event: delivery.event,
        action: delivery.action,
        payload: parsePayload(delivery.payload, headers),
        headers,
        receivedAt: new Date(delivery.received_at),
      },
      connection: connection ? connectionHandle(connection, plugin, storeOptions) : null,
      logger: logger.child({ plugin: plugin.id, delivery: delivery.delivery_id }),
      statusChecks: coreStatusChecks(connection),
      transaction,
    })
    // installation-scoped connections have no pull requests
    if (connection && connection.organizationId !== null && touched.size > 0) {
      await new EvaluateTouchedPullRequests().execute({
        organizationId: connection.organizationId,
        provider: connection.pluginId,
        externalIds: [...touched],
      })
    }
  }
}

/**
 * Status checks for the delivery's handler: on the connection's
 * organisation's pull requests, named by this provider's external id.
 */
function coreStatusChecks(connection: Connection | null): CoreStatusChecks {
  return {
    async post(pullRequestExternalId, report) {
      if (!connection) return { outcome: 'unsupported', reason: 'the delivery has no connection' }
      const organizationId = connection.organizationId
      if (organizationId === null) {
        return { outcome: 'unsupported', reason: 'an installation connection has no pull requests' }
      }
      const pull = await db
        .from('pull_requests')
        .where('organization_id', organizationId)
        .where('provider', connection.pluginId)
        .where('external_id', pullRequestExternalId)
        .select('id')
        .first()
      if (!pull) return { outcome: 'unsupported', reason: 'no such pull request' }
      return new PostStatusCheck().execute({
        organizationId,
        pullRequestId: Number(pull.id),
        report,
      })
    },
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

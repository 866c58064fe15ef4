import { Job, exponentialBackoff } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import env from '#start/env'
import ProcessWebhookDelivery from '#actions/webhooks/process_webhook_delivery'
import { asShutdownAware } from '#services/shutdown'

type ProcessWebhookPayload = { deliveryRowId: number }

/**
 * Processes a stored webhook delivery in a worker. A failing handler is
 * retried with backoff; after the last attempt the delivery stays
 * "failed", listed in the admin area with a Retry button.
 */
export default class ProcessWebhookJob extends Job<ProcessWebhookPayload> {
  static options: JobOptions = {
    queue: 'default',
    maxRetries: 3,
    retry: {
      maxRetries: 3,
      backoff: exponentialBackoff({
        baseDelay: env.get('WEBHOOK_RETRY_DELAY', '2s'),
        maxDelay: '1m',
      }),
    },
  }

  async execute() {
    await asShutdownAware(() => new ProcessWebhookDelivery().execute(this.payload.deliveryRowId))
  }
}

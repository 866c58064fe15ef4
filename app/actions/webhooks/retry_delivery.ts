import { FormRefusalException } from '#exceptions/form_refusal'
import { Exception } from '@adonisjs/core/exceptions'
import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'
import { sqlTime, updatedExactlyOne } from '#services/sql'
import ProcessWebhookJob from '#jobs/process_webhook_job'

/** a delivery that did not fail (or is being processed): nothing to retry */
export class DeliveryNotRetryableException extends FormRefusalException {
  static status = 409
  static code = 'E_DELIVERY_NOT_RETRYABLE'
}

/** an id that names no delivery: answered 404, like the other admin routes */
export class DeliveryNotFoundException extends Exception {
  static status = 404
  static code = 'E_DELIVERY_NOT_FOUND'
}

/**
 * Queues a failed delivery again (the admin's Retry button). Only failed
 * deliveries qualify; the processing claim keeps it exactly-once even if
 * an automatic retry is also on its way.
 */
export default class RetryDelivery {
  async execute(deliveryPublicId: string) {
    const id = publicIds('webhook_delivery').decode(deliveryPublicId)
    if (id === null) throw new DeliveryNotFoundException('No such webhook delivery')
    const reset = await db
      .from('webhook_deliveries')
      .where('id', id)
      .where('status', 'failed')
      .update({ status: 'pending', updated_at: sqlTime() })
    if (!updatedExactlyOne(reset)) {
      const exists = await db.from('webhook_deliveries').where('id', id).first()
      if (!exists) throw new DeliveryNotFoundException('No such webhook delivery')
      throw new DeliveryNotRetryableException('Only a failed delivery can be retried')
    }
    await ProcessWebhookJob.dispatch({ deliveryRowId: id })
  }
}

import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import ProcessWebhookJob from '#jobs/process_webhook_job'
import { sqlTime, updatedExactlyOne } from '#services/sql'

/** a delivery still pending this long after it was stored lost its job */
export const PENDING_STALL_MINUTES = 5
/** a delivery "processing" this long lost its worker (handlers time out far sooner) */
export const PROCESSING_STALL_MINUTES = 30

/** the thresholds in seconds; WEBHOOK_SWEEP_*_SECONDS shorten them (the scale-out test does) */
function thresholds() {
  return {
    pending: env.get('WEBHOOK_SWEEP_PENDING_SECONDS') ?? PENDING_STALL_MINUTES * 60,
    processing: env.get('WEBHOOK_SWEEP_PROCESSING_SECONDS') ?? PROCESSING_STALL_MINUTES * 60,
  }
}

export type SweepResult = { requeuedPending: number; requeuedAbandoned: number }

/**
 * The sweeper. A web process that dies between storing a delivery and
 * queueing its job, or a queue that loses a job, leaves the delivery
 * pending forever; a worker killed mid-handler leaves it "processing".
 * Each such row is taken by a conditional UPDATE (so two schedulers never
 * both take it) and queued again. Processing itself claims the row
 * (ProcessWebhookDelivery), so a job that was only late and now runs
 * beside the new one finds nothing to claim: each delivery is still
 * handled once.
 */
export default class RequeueStalledDeliveries {
  async execute(now = DateTime.now()): Promise<SweepResult> {
    const after = thresholds()
    const requeuedPending = await this.#sweep({
      status: 'pending',
      olderThan: now.minus({ seconds: after.pending }),
      update: { updated_at: sqlTime(now) },
    })
    const requeuedAbandoned = await this.#sweep({
      status: 'processing',
      olderThan: now.minus({ seconds: after.processing }),
      update: {
        status: 'failed',
        last_error: `The worker stopped while processing this delivery (no progress for ${after.processing} seconds); queued again`,
        updated_at: sqlTime(now),
      },
    })
    return { requeuedPending, requeuedAbandoned }
  }

  async #sweep(input: { status: string; olderThan: DateTime; update: Record<string, unknown> }) {
    const cutoff = sqlTime(input.olderThan)
    const stalled = await db
      .from('webhook_deliveries')
      .where('status', input.status)
      .where('updated_at', '<', cutoff)
      .orderBy('id')
      .limit(1000)
      .select('id')
    let requeued = 0
    for (const { id } of stalled) {
      const taken = await db
        .from('webhook_deliveries')
        .where('id', id)
        .where('status', input.status)
        .where('updated_at', '<', cutoff)
        .update(input.update)
      if (!updatedExactlyOne(taken)) continue
      await ProcessWebhookJob.dispatch({ deliveryRowId: id })
      requeued += 1
    }
    return requeued
  }
}

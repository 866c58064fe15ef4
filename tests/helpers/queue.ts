import { createQueueWorker } from '#services/queue_worker'
import { waitFor } from '#tests/helpers/wait'

/**
 * Runs a queue worker in the test process until the condition holds
 * (webhook deliveries processed, a queued sync finished), then stops it.
 */
export async function processQueueUntil(
  until: () => Promise<boolean>,
  options: { timeoutMs?: number; concurrency?: number } = {}
) {
  const worker = await createQueueWorker({ concurrency: options.concurrency ?? 5 })
  const running = worker.start(['default'])
  try {
    await waitFor(until, {
      timeoutMs: options.timeoutMs ?? 60_000,
      intervalMs: 100,
      what: 'the queue to get there',
    })
  } finally {
    await worker.stop()
    await running
  }
}

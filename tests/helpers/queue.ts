import { createQueueWorker } from '#services/queue_worker'

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
    const deadline = Date.now() + (options.timeoutMs ?? 60_000)
    while (!(await until())) {
      if (Date.now() > deadline) throw new Error('the queue did not get there in time')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  } finally {
    await worker.stop()
    await running
  }
}

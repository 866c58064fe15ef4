import { Job, exponentialBackoff } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import env from '#start/env'
import RetryStatusCheck from '#actions/status_checks/retry_status_check'

type RetryStatusCheckPayload = { postId: number }

/**
 * Posts a status check the provider refused (5xx, timeout) again, with
 * backoff; after the last attempt it stays "failed" on the connection's
 * page, and the next post of the same check tries again.
 */
export default class RetryStatusCheckJob extends Job<RetryStatusCheckPayload> {
  static options: JobOptions = {
    queue: 'default',
    maxRetries: 5,
    retry: {
      maxRetries: 5,
      backoff: exponentialBackoff({
        baseDelay: env.get('STATUS_CHECK_RETRY_DELAY', '10s'),
        maxDelay: '10m',
      }),
    },
  }

  async execute() {
    await new RetryStatusCheck().execute(this.payload.postId)
  }
}

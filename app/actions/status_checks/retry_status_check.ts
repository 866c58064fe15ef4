import db from '@adonisjs/lucid/services/db'
import { sqlTime, updatedExactlyOne } from '#services/sql'
import { STATUS_CHECK_POSTS, deliverPost } from '#services/status_checks/deliver'

/**
 * Posts a failed status check again (its latest report), from the queue.
 * The row is claimed with a conditional UPDATE (failed → pending), so a
 * newer post that already succeeded, or a second retry, leaves nothing to
 * do. Throws when the provider fails again, so the queue backs off and
 * retries.
 */
export default class RetryStatusCheck {
  async execute(postId: number): Promise<'posted' | 'not-claimed'> {
    const claimed = await db
      .from(STATUS_CHECK_POSTS)
      .where('id', postId)
      .where('status', 'failed')
      .update({ status: 'pending', attempts: db.raw('attempts + 1'), updated_at: sqlTime() })
    if (!updatedExactlyOne(claimed)) return 'not-claimed'
    await deliverPost(postId)
    return 'posted'
  }
}

import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import { sqlTime } from '#services/sql'
import {
  STATUS_CHECK_POSTS,
  StatusCheckUnsupported,
  deliverPost,
  hostOf,
} from '#services/status_checks/deliver'
import type { StatusCheckOutcome, StatusCheckReport } from '#plugin-sdk/status_checks'

/**
 * Posts a status check on one of an organisation's pull requests, through
 * the connection hosting its repository, whatever the provider (GitHub
 * check runs, Azure DevOps pull request statuses, Bitbucket build
 * statuses): the plugin's `statusChecks.post`.
 *
 * The outcome is kept per pull request and report key (status_check_posts),
 * so the next state of the same check, or a retry, updates the same status
 * on the provider. It never throws: a provider failure is recorded and a
 * queued job retries it with backoff; a provider without status checks is
 * "unsupported".
 */
export default class PostStatusCheck {
  async execute(input: {
    organizationId: number
    pullRequestId: number
    report: StatusCheckReport
  }): Promise<StatusCheckOutcome> {
    const { organizationId, report } = input
    const pull = await db
      .from('pull_requests')
      .where('organization_id', organizationId)
      .where('id', input.pullRequestId)
      .first()
    if (!pull) return { outcome: 'unsupported', reason: 'no such pull request' }
    if (!pull.head_sha) {
      return { outcome: 'unsupported', reason: 'the pull request has no head commit' }
    }
    try {
      await hostOf(organizationId, Number(pull.repository_id))
    } catch (error) {
      if (error instanceof StatusCheckUnsupported) {
        return { outcome: 'unsupported', reason: error.message }
      }
      throw error
    }

    const row = await this.#record(organizationId, pull, report)
    try {
      const posted = await deliverPost(row.id)
      return {
        outcome: 'posted',
        externalId: posted.externalId ?? null,
        url: posted.url ?? null,
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      logger.warn(
        { organization: organizationId, post: row.id, key: report.key },
        `Status check failed: ${message}`
      )
      return { outcome: 'failed', error: message, retrying: await queueRetry(row.id) }
    }
  }

  /**
   * The row for this pull request and key, now carrying this report. Its
   * provider id is kept while the head commit is the same (the post
   * updates that status), dropped for a new commit.
   */
  async #record(organizationId: number, pull: Record<string, any>, report: StatusCheckReport) {
    const key = { pull_request_id: pull.id, report_key: report.key }
    const values = {
      name: report.name.slice(0, 255),
      head_sha: pull.head_sha,
      state: report.state,
      title: report.title.slice(0, 255),
      report: JSON.stringify(report),
      status: 'pending',
      updated_at: sqlTime(),
    }
    await db
      .table(STATUS_CHECK_POSTS)
      .insert({
        ...key,
        ...values,
        organization_id: organizationId,
        attempts: 0,
        created_at: sqlTime(),
      })
      .onConflict(['pull_request_id', 'report_key'])
      .ignore()
    const existing = await db.from(STATUS_CHECK_POSTS).where(key).firstOrFail()
    const sameCommit = existing.head_sha === pull.head_sha
    await db
      .from(STATUS_CHECK_POSTS)
      .where('id', existing.id)
      .update({
        ...values,
        external_id: sameCommit ? existing.external_id : null,
        url: sameCommit ? existing.url : null,
        attempts: db.raw('attempts + 1'),
      })
    return db.from(STATUS_CHECK_POSTS).where('id', existing.id).firstOrFail()
  }
}

/** queues the retry; a queue that cannot be reached leaves it failed, shown on the page */
async function queueRetry(postId: number) {
  try {
    const { default: RetryStatusCheckJob } = await import('#jobs/retry_status_check_job')
    await RetryStatusCheckJob.dispatch({ postId })
    return true
  } catch (error) {
    logger.error({ err: error, post: postId }, 'could not queue a status check retry')
    return false
  }
}

import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import EvaluatePullRequestPolicy from '#actions/ai_code/evaluate_pull_request_policy'

/**
 * The AI-code policy after a webhook delivery of any code host wrote
 * pull requests: each open one in a monitored repository whose head
 * commit was not checked yet is checked (opened, new commits, reopened);
 * one that was (an approval, a comment) is left as it is.
 */
export default class EvaluateTouchedPullRequests {
  async execute(input: { organizationId: number; provider: string; externalIds: string[] }) {
    const pulls = await db
      .from('pull_requests')
      .where('organization_id', input.organizationId)
      .where('provider', input.provider)
      .whereIn('external_id', input.externalIds.slice(0, 500))
      .select('id')
    const evaluate = new EvaluatePullRequestPolicy()
    for (const pull of pulls) {
      const result = await evaluate.execute({
        organizationId: input.organizationId,
        pullRequestId: Number(pull.id),
      })
      if (result.posted) {
        logger.info(
          { organization: input.organizationId, pull: pull.id, passed: result.passed },
          'AI-code policy posted'
        )
      }
    }
  }
}

import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import EvaluatePullRequestPolicy from '#actions/ai_code/evaluate_pull_request_policy'
import { commitShasOf } from '#services/ai_code/attestations'

/**
 * The AI-code policy again on the open pull requests that carry commits
 * whose chunks just changed (an analyzer import, a Git AI notes sync), as
 * an attestation does: a pull request can flip to failing (new AI
 * chunks to attest) or to passing. Closed ones are left as they are.
 */
export default class ReevaluatePullRequestsOfCommits {
  async execute(input: { organizationId: number; commits: Map<number, Set<string>> }) {
    let evaluated = 0
    const evaluate = new EvaluatePullRequestPolicy()
    for (const [repositoryId, shas] of input.commits) {
      if (shas.size === 0) continue
      const pulls = await db
        .from('pull_requests')
        .where('organization_id', input.organizationId)
        .where('repository_id', repositoryId)
        .where('state', 'open')
        .whereNotNull('commit_shas')
        .select('id', 'commit_shas')
      for (const pull of pulls) {
        if (!commitShasOf(pull.commit_shas).some((sha) => shas.has(sha))) continue
        const result = await evaluate.execute({
          organizationId: input.organizationId,
          pullRequestId: Number(pull.id),
          again: true,
        })
        if (result.posted) {
          evaluated++
          logger.info(
            { organization: input.organizationId, pull: pull.id, passed: result.passed },
            'AI-code policy posted again: its chunks changed'
          )
        }
      }
    }
    return { evaluated }
  }
}

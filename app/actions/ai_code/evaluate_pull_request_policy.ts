import db from '@adonisjs/lucid/services/db'
import PostStatusCheck from '#actions/status_checks/post_status_check'
import { STATUS_CHECK_POSTS } from '#services/status_checks/deliver'
import {
  POLICY_CHECK_KEY,
  POLICY_CHECK_NAME,
  evaluatePolicy,
  organizationPolicy,
  policySummary,
} from '#services/ai_code/policy'
import { pullRequestFacts } from '#services/ai_code/pull_request_facts'
import { publicIds } from '#services/public_id'
import { appUrl } from '#config/app'

export type PolicyEvaluation =
  { posted: false; reason: string } | { posted: true; passed: boolean; outcome: string }

/**
 * The organisation's AI-code policy on one of its pull requests, whatever
 * code host it is on: "pending" first, then the verdict with a Markdown
 * summary, both through the core's status checks (which post through the
 * connection hosting the repository, record the outcome and retry).
 *
 * Only an open pull request of a monitored repository is checked, and a
 * head commit is checked once (a new commit is checked afresh) unless
 * `again` asks for it (the policy or the facts changed).
 */
export default class EvaluatePullRequestPolicy {
  async execute(input: {
    organizationId: number
    pullRequestId: number
    again?: boolean
  }): Promise<PolicyEvaluation> {
    const { organizationId } = input
    const policy = await organizationPolicy(organizationId)
    if (!policy.enabled) return { posted: false, reason: 'the policy is off' }
    const pull = await db
      .from('pull_requests')
      .join('repositories', 'repositories.id', 'pull_requests.repository_id')
      .where('pull_requests.organization_id', organizationId)
      .where('repositories.organization_id', organizationId)
      .where('pull_requests.id', input.pullRequestId)
      .select('pull_requests.*', 'repositories.monitored as repository_monitored')
      .first()
    if (!pull) return { posted: false, reason: 'no such pull request' }
    if (pull.state !== 'open') return { posted: false, reason: 'the pull request is not open' }
    if (!pull.repository_monitored)
      return { posted: false, reason: 'the repository is not monitored' }
    if (!pull.head_sha) return { posted: false, reason: 'the pull request has no head commit' }
    if (!input.again) {
      const checked = await db
        .from(STATUS_CHECK_POSTS)
        .where('organization_id', organizationId)
        .where('pull_request_id', pull.id)
        .where('report_key', POLICY_CHECK_KEY)
        .where('head_sha', pull.head_sha)
        .first()
      if (checked) return { posted: false, reason: 'this commit was checked already' }
    }

    const post = new PostStatusCheck()
    const report = { key: POLICY_CHECK_KEY, name: POLICY_CHECK_NAME }
    const pending = await post.execute({
      organizationId,
      pullRequestId: pull.id,
      report: {
        ...report,
        state: 'pending',
        title: 'Checking the policy',
        summary: 'Sextant is reading the commits of this pull request.',
      },
    })
    if (pending.outcome === 'unsupported') return { posted: false, reason: pending.reason }
    const { facts, aiCommits } = await pullRequestFacts(organizationId, pull)
    const verdict = evaluatePolicy(policy, facts)
    const outcome = await post.execute({
      organizationId,
      pullRequestId: pull.id,
      report: {
        ...report,
        state: verdict.passed ? 'success' : 'failure',
        title: verdict.passed
          ? 'Within policy'
          : `Policy not met: ${verdict.reasons.length} finding(s)`,
        summary: policySummary(
          facts,
          verdict.reasons,
          aiCommits,
          `${appUrl}/ai-code/repositories/${publicIds('repository').encode(Number(pull.repository_id))}/pull-requests/${pull.number}`
        ),
      },
    })
    return { posted: true, passed: verdict.passed, outcome: outcome.outcome }
  }
}

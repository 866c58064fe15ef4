import RegenerateGbom from '#actions/ai_code/regenerate_gbom'
import ReevaluatePullRequestsOfCommits from '#actions/ai_code/reevaluate_pull_requests_of_commits'
import type { AiFactChanges } from '#services/ai_code/fact_changes'

/**
 * What follows a change of an organisation's line facts written outside
 * an import (built-in signals, Git AI notes): each repository's GBOM is
 * rebuilt from its facts, then the open pull requests carrying one of
 * the changed commits are checked again by the AI-code policy. The
 * services that write the facts only report the change (they never call
 * actions); whoever owns the write (a sync run, a webhook delivery, the
 * demo, a clone's notes import) runs this.
 */
export default class ApplyAiFactChanges {
  async execute(input: { organizationId: number; changes: AiFactChanges }) {
    const repositoryIds = [...input.changes.keys()]
    if (repositoryIds.length === 0) return { repositories: 0, evaluated: 0 }
    const { repositories } = await new RegenerateGbom().execute({
      organizationId: input.organizationId,
      repositoryIds,
    })
    const { evaluated } = await new ReevaluatePullRequestsOfCommits().execute({
      organizationId: input.organizationId,
      commits: input.changes,
    })
    return { repositories, evaluated }
  }
}

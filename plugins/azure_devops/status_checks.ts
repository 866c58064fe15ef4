import type { GitPullRequestStatus } from 'azure-devops-node-api/interfaces/GitInterfaces.js'
import type { PluginStatusChecks, StatusCheckState } from '#plugin-sdk'
import { webApiFor } from './client.js'

/** the pull request status API's states, as its REST documentation spells them */
const STATES: Record<StatusCheckState, string> = {
  pending: 'pending',
  success: 'succeeded',
  failure: 'failed',
  error: 'error',
}

/** "sextant/ai-policy" → genre "sextant", name "ai-policy" */
export function statusContext(key: string) {
  const slash = key.lastIndexOf('/')
  return slash > 0
    ? { genre: key.slice(0, slash), name: key.slice(slash + 1) }
    : { genre: 'sextant', name: key }
}

/**
 * The provider-neutral status check, as an Azure DevOps pull request
 * status (POST {project}/_apis/git/repositories/{id}/pullRequests/{n}/statuses):
 * the latest status of a genre/name context is the one the pull request
 * shows, and branch policies can require it.
 */
export const azureStatusChecks: PluginStatusChecks = {
  async post(connection, target, report) {
    const api = await webApiFor(connection)
    const git = await api.getGitApi()
    const project = target.repositoryFullName.slice(0, target.repositoryFullName.indexOf('/'))
    const status = {
      state: STATES[report.state],
      description: report.title.slice(0, 255),
      context: statusContext(report.key),
      ...(report.detailsUrl ? { targetUrl: report.detailsUrl } : {}),
    } as unknown as GitPullRequestStatus
    const posted = await git.createPullRequestStatus(
      status,
      target.repositoryExternalId,
      target.pullRequestNumber,
      project
    )
    return { externalId: posted.id === undefined ? undefined : String(posted.id) }
  },
}

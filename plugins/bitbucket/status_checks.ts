import type { PluginStatusChecks, StatusCheckState } from '#plugin-sdk'
import { BitbucketClient } from './client.js'
import { webUrl } from './environment.js'
import type * as Bitbucket from './types.js'

const STATES: Record<StatusCheckState, Bitbucket.BuildStatusState> = {
  pending: 'INPROGRESS',
  success: 'SUCCESSFUL',
  failure: 'FAILED',
  error: 'FAILED',
}

/**
 * The provider-neutral status check as a Bitbucket commit build status
 * on the pull request's head commit. Bitbucket overwrites a status
 * posted again with the same key, so INPROGRESS then SUCCESSFUL (or
 * FAILED) under one key is one status that changes. Bitbucket requires
 * a link: the details page, else the pull request itself. It shows one
 * line of text, so the description is the report's title.
 */
export const statusChecks: PluginStatusChecks = {
  async post(connection, target, report) {
    const client = new BitbucketClient(await connection.client())
    const pullRequestUrl = `${webUrl()}/${target.repositoryFullName}/pull-requests/${target.pullRequestNumber}`
    const posted = await client.postBuildStatus(target.repositoryFullName, target.headSha, {
      key: report.key,
      state: STATES[report.state],
      name: report.name,
      description: report.title.slice(0, 255),
      url: report.detailsUrl ?? pullRequestUrl,
    })
    return {
      externalId: posted.uuid,
      url: `${webUrl()}/${target.repositoryFullName}/commits/${target.headSha}`,
    }
  },
}

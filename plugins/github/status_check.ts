import { isTokenConnection } from './personal_token.js'
import {
  HttpError,
  type PluginStatusChecks,
  type StatusCheckReport,
  type StatusCheckTarget,
} from '#plugin-sdk'
import { GitHubClient, GITHUB_HEADERS } from './client.js'
import { gitHubAppConfig } from './config.js'
import type * as GitHub from './types.js'

/**
 * The status-check capability with check runs: the first post of a key
 * on a commit creates a check run, later posts (the core passes back its
 * id as `existing`) update it. "pending" is an in_progress run; the other
 * states complete it with a conclusion.
 */
export const gitHubStatusChecks: PluginStatusChecks = {
  unsupportedReason: (connection) =>
    isTokenConnection(connection)
      ? 'a personal access token cannot post status checks: install the GitHub App'
      : null,
  async post(connection, target, report) {
    const http = await connection.client({
      headers: GITHUB_HEADERS,
      writeIntervalMs: gitHubAppConfig().writeIntervalMs,
    })
    const client = new GitHubClient(http)
    const body = checkRunWrite(target, report)
    const create = () =>
      client.createCheckRun(target.repositoryFullName, {
        name: report.name,
        head_sha: target.headSha,
        started_at: new Date().toISOString(),
        ...body,
      })
    const existing = target.existing?.externalId
    const run = existing
      ? await client
          .updateCheckRun(target.repositoryFullName, Number(existing), body)
          // a check run GitHub no longer has is posted afresh
          .catch((error) => {
            if (error instanceof HttpError && error.status === 404) return create()
            throw error
          })
      : await create()
    return { externalId: String(run.id), url: run.html_url }
  },
}

function checkRunWrite(target: StatusCheckTarget, report: StatusCheckReport): GitHub.CheckRunWrite {
  const output = { title: report.title, summary: report.summary ?? report.title }
  const common = {
    external_id: `${report.key}:${target.repositoryFullName}#${target.pullRequestNumber}`,
    ...(report.detailsUrl ? { details_url: report.detailsUrl } : {}),
    output,
  }
  if (report.state === 'pending') return { ...common, status: 'in_progress' }
  return {
    ...common,
    status: 'completed',
    // GitHub has no "error" conclusion: a check that could not run fails
    conclusion: report.state === 'success' ? 'success' : 'failure',
    completed_at: new Date().toISOString(),
  }
}

import type { HttpClient, StoredRepository, SyncContext } from '#plugin-sdk'
import { pullRequestMarker } from '#plugin-sdk'
import { API_VERSION } from '../client.js'
import type { Azure } from '../types.js'
import { commitAddedLines } from './commit_lines.js'
import { commitInput, DIFFS_PER_WRITE, type Commit } from './commits.js'

/** Get Pull Requests cuts each description at this many characters */
export const LIST_DESCRIPTION_LIMIT = 400
/** a marked pull request's commits read at most (newest first, one page) */
export const MAX_PULL_REQUEST_COMMITS = 250

type Repository = Pick<StoredRepository, 'externalId' | 'fullName'>

const repositoryBase = (project: string, repository: Repository) =>
  `/${encodeURIComponent(project)}/_apis/git/repositories/${repository.externalId}`

/**
 * The whole description of a pull request the list gave: one the list
 * may have cut (as long as its limit) is read again by id, so a marker
 * at its end (where agents put it) is not lost; a shorter one is whole.
 */
export async function wholeDescription(
  http: HttpClient,
  project: string,
  repository: Repository,
  pull: Azure.PullRequest
): Promise<string | null> {
  const listed = pull.description ?? null
  if (listed === null || listed.length < LIST_DESCRIPTION_LIMIT) return listed
  const whole = await http.get<Azure.PullRequest>(
    `${repositoryBase(project, repository)}/pullrequests/${pull.pullRequestId}`,
    { query: { 'api-version': API_VERSION } }
  )
  return whole.data.description ?? null
}

/**
 * When the description carries an agent's marker (docs/ai_code.md), the
 * pull request's commits (Pull Request Commits - Get Pull Request
 * Commits, at most MAX_PULL_REQUEST_COMMITS) are stored with the lines
 * each added (Commits - Get for the parent and the whole message, then
 * commitAddedLines, in groups of DIFFS_PER_WRITE), and their SHAs returned for the pull request's row;
 * without a marker nothing is read and undefined is returned (the row
 * keeps the commits it had).
 */
export async function writeMarkedPullRequestCommits(
  http: HttpClient,
  store: SyncContext['store'],
  project: string,
  repository: Repository,
  pullRequestId: number,
  description: string | null
): Promise<string[] | undefined> {
  if (!pullRequestMarker(description)) return undefined
  const base = repositoryBase(project, repository)
  const listed = await http.get<Azure.List<Commit>>(
    `${base}/pullRequests/${pullRequestId}/commits`,
    { query: { '$top': MAX_PULL_REQUEST_COMMITS, 'api-version': API_VERSION } }
  )
  const commits = listed.data.value.slice(0, MAX_PULL_REQUEST_COMMITS)
  // in groups, each written before the next group's lines are read
  for (let start = 0; start < commits.length; start += DIFFS_PER_WRITE) {
    const group = await Promise.all(
      commits.slice(start, start + DIFFS_PER_WRITE).map(async (listedCommit) => {
        const whole = await http.get<Commit>(`${base}/commits/${listedCommit.commitId}`, {
          query: { 'api-version': API_VERSION },
        })
        const input = commitInput(repository.externalId, whole.data)
        input.addedLines = await commitAddedLines(http, `${base}/commits`, {
          sha: input.sha,
          parent: whole.data.parents?.[0] ?? null,
        })
        return input
      })
    )
    await store.upsertCommits(group)
  }
  return commits.map((commit) => commit.commitId)
}

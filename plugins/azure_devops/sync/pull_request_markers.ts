import type { HttpClient, StoredRepository, SyncContext } from '#plugin-sdk'
import { pullRequestMarker } from '#plugin-sdk'
import { API_VERSION } from '../client.js'
import type { Azure } from '../types.js'
import { commitAddedLines } from './commit_lines.js'
import { commitInput, DIFFS_PER_WRITE, type Commit } from './commits.js'

/** Get Pull Requests cuts each description at this many characters */
export const LIST_DESCRIPTION_LIMIT = 400
/** commits asked for per page of a marked pull request's commits ($top) */
export const PULL_REQUEST_COMMITS_PER_PAGE = 100

/**
 * Pull Request Commits - Get Pull Request Commits pages by an opaque
 * token: each page's `x-ms-continuationtoken` response header goes back
 * as the `continuationToken` query parameter; no header, no more pages.
 */
const CONTINUATION = {
  style: 'continuation-header',
  header: 'x-ms-continuationtoken',
  param: 'continuationToken',
} as const

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
 * When the description carries an agent's marker (docs/ai_code.md), every
 * commit of the pull request (Pull Request Commits - Get Pull Request
 * Commits, page after page by continuation token) is stored with the
 * lines it added (Commits - Get for the parent and the whole message,
 * then commitAddedLines), and their SHAs returned for the pull request's
 * row; without a marker nothing is read and undefined is returned (the
 * row keeps the commits it had). Memory stays bounded however long the
 * pull request: a page is asked for only once the one before is written,
 * in groups of DIFFS_PER_WRITE commits, each group written before the
 * next group's lines are read.
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
  const shas: string[] = []
  for await (const page of http.paginate<unknown, Commit>(
    `${base}/pullRequests/${pullRequestId}/commits`,
    {
      strategy: CONTINUATION,
      items: 'value',
      query: { '$top': PULL_REQUEST_COMMITS_PER_PAGE, 'api-version': API_VERSION },
    }
  )) {
    for (let start = 0; start < page.items.length; start += DIFFS_PER_WRITE) {
      const group = await Promise.all(
        page.items.slice(start, start + DIFFS_PER_WRITE).map(async (listedCommit) => {
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
    for (const commit of page.items) shas.push(commit.commitId)
  }
  return shas
}

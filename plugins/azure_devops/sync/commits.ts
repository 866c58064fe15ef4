import type { CommitInput, StoredRepository, SyncContext } from '#plugin-sdk'
import { carriesAiSignal } from '#plugin-sdk'
import { API_VERSION } from '../client.js'
import { commitAddedLines } from './commit_lines.js'
import { environment } from '../environment.js'
import { projectOf } from './pull_requests.js'

const PAGE_SIZE = 100
/**
 * Commits written per upsert: at most this many commits' added lines are
 * held at once, however many a page lists.
 */
export const DIFFS_PER_WRITE = 50

/** GitCommitRef: the list leaves `parents` out, Commits - Get fills them */
export type Commit = {
  commitId: string
  comment: string
  commentTruncated?: boolean
  author?: { name?: string; email?: string; date?: string }
  committer?: { name?: string; email?: string; date?: string }
  parents?: string[]
}

export function commitInput(repositoryExternalId: string, commit: Commit): CommitInput {
  return {
    repositoryExternalId,
    sha: commit.commitId,
    message: commit.comment,
    authorLogin: commit.author?.email ?? null,
    authorName: commit.author?.name ?? null,
    authorEmail: commit.author?.email ?? null,
    committerName: commit.committer?.name ?? null,
    committerEmail: commit.committer?.email ?? null,
    authoredAt: commit.author?.date ?? null,
    committedAt: commit.committer?.date ?? commit.author?.date ?? null,
    parentShas: commit.parents ?? null,
  }
}

/**
 * Commits on each monitored repository's default branch since the last
 * run (`searchCriteria.fromDate`), in `$top`/`$skip` pages. The list
 * (GitCommitRef) gives no `parents` and cuts long messages
 * (`commentTruncated`), so each new commit is read once with Commits -
 * Get, which has both: the parents give lead time for changes its
 * ancestry, the whole message the trailers that mark AI-assisted changes.
 * A commit with a built-in AI signal (a trailer, an agent's identity)
 * has its added lines read too (commitAddedLines: two requests more),
 * written in groups of DIFFS_PER_WRITE commits.
 * A run with nothing new costs one request per repository.
 */
export async function syncCommits(context: SyncContext) {
  for (const repository of await context.store.repositories({ monitoredOnly: true })) {
    if (repository.defaultBranch) await syncRepository(context, repository)
  }
}

async function syncRepository(context: SyncContext, repository: StoredRepository) {
  const scope = `commits:${repository.externalId}`
  const days = environment.get('AZURE_DEVOPS_HISTORY_DAYS')
  const since =
    (context.full ? null : await context.cursors.get(scope)) ??
    new Date(Date.now() - days * 86_400_000).toISOString()
  const base = `/${encodeURIComponent(projectOf(repository))}/_apis/git/repositories/${repository.externalId}/commits`
  let newest: string | null = null
  for (let skip = 0; ; skip += PAGE_SIZE) {
    const page = await context.http.get<{ value: Commit[] }>(base, {
      query: {
        'searchCriteria.itemVersion.version': repository.defaultBranch!,
        'searchCriteria.itemVersion.versionType': 'branch',
        'searchCriteria.fromDate': since,
        'searchCriteria.$top': PAGE_SIZE,
        'searchCriteria.$skip': skip,
        'api-version': API_VERSION,
      },
    })
    // the commit at the cursor's moment was written by the last run
    const commits = page.data.value.filter((commit) => (commit.committer?.date ?? '') > since)
    // side by side; the HTTP client's own cap bounds the requests in flight
    const whole = await Promise.all(
      commits.map(async (commit) => {
        const full = await context.http.get<Commit>(`${base}/${commit.commitId}`, {
          query: { 'api-version': API_VERSION },
        })
        return full.data
      })
    )
    for (let start = 0; start < whole.length; start += DIFFS_PER_WRITE) {
      const group = whole.slice(start, start + DIFFS_PER_WRITE).map((commit) => ({
        input: commitInput(repository.externalId, commit),
        parent: commit.parents?.[0] ?? null,
      }))
      await Promise.all(
        group
          .filter(({ input }) => carriesAiSignal(input))
          .map(async ({ input, parent }) => {
            input.addedLines = await commitAddedLines(context.http, base, {
              sha: input.sha,
              parent,
            })
          })
      )
      await context.store.upsertCommits(group.map(({ input }) => input))
    }
    for (const commit of whole) {
      const date = commit.committer?.date ?? null
      if (date && (!newest || date > newest)) newest = date
    }
    if (page.data.value.length < PAGE_SIZE) break
  }
  if (newest) await context.cursors.set(scope, newest)
}

import type { CommitInput, StoredRepository, SyncContext } from '#plugin-sdk'
import { addedLineRanges, carriesAiSignal } from '#plugin-sdk'
import { GitHubClient } from '../client.js'
import { environment } from '../environment.js'
import type * as GitHub from '../types.js'
import { eachMonitoredRepository } from '#plugin-sdk'
import { commitContributors } from './mappers.js'

/** repositories synced side by side; the HTTP client's own cap bounds the requests */
const REPOSITORIES_IN_PARALLEL = 4

/** How far back the first sync reads a default branch's history. */
function historyStart() {
  const days = environment.get('GITHUB_HISTORY_DAYS')
  return new Date(Date.now() - days * 86_400_000).toISOString()
}

export function commitInput(repositoryExternalId: string, commit: GitHub.Commit): CommitInput {
  return {
    repositoryExternalId,
    sha: commit.sha,
    message: commit.commit.message,
    authorLogin: commit.author?.login ?? null,
    authorName: commit.commit.author?.name ?? null,
    authorEmail: commit.commit.author?.email ?? null,
    committerLogin: commit.committer?.login ?? null,
    committerName: commit.commit.committer?.name ?? null,
    committerEmail: commit.commit.committer?.email ?? null,
    authoredAt: commit.commit.author?.date ?? null,
    committedAt: commit.commit.committer?.date ?? commit.commit.author?.date ?? null,
    parentShas: commit.parents ? commit.parents.map((parent) => parent.sha) : null,
  }
}

/**
 * Commits written per upsert when their diffs are read: at most this many
 * commits' added lines are held at once, however many a page (100) or a
 * pull request (up to 250) lists.
 */
export const DIFFS_PER_WRITE = 50

/**
 * Writes the commits, with the lines added by those that carry a built-in
 * AI signal (all of them when `all`, a pull request's whose body carries
 * a marker): one request per such commit, every one of them, in groups of
 * DIFFS_PER_WRITE commits each written before the next group's diffs are
 * read (memory holds one group's diffs). A diff GitHub does not give (a
 * patch too large) leaves that file out.
 */
export async function writeCommits(
  store: SyncContext['store'],
  client: GitHubClient,
  repository: { externalId: string; fullName: string },
  commits: GitHub.Commit[],
  options: { all?: boolean } = {}
) {
  for (let start = 0; start < commits.length; start += DIFFS_PER_WRITE) {
    const group = commits
      .slice(start, start + DIFFS_PER_WRITE)
      .map((commit) => commitInput(repository.externalId, commit))
    await Promise.all(
      group
        .filter((input) => options.all || carriesAiSignal(input))
        .map(async (input) => {
          const detail = await client.commit(repository.fullName, input.sha)
          input.addedLines = (detail.files ?? [])
            .map((file) => ({ path: file.filename, ranges: addedLineRanges(file.patch) }))
            .filter((file) => file.ranges.length > 0)
        })
    )
    await store.upsertCommits(group)
  }
}

/**
 * Commits on each monitored repository's default branch since the last
 * run (GitHub's `since`), with their messages: the store reads the
 * trailers that mark AI-assisted changes.
 */
export async function syncCommits(context: SyncContext) {
  const client = new GitHubClient(context.http)
  await eachMonitoredRepository(context, { parallel: REPOSITORIES_IN_PARALLEL }, (repository) =>
    syncRepository(context, client, repository)
  )
}

async function syncRepository(
  context: SyncContext,
  client: GitHubClient,
  repository: StoredRepository
) {
  if (!repository.defaultBranch) return
  const scope = `commits:${repository.externalId}`
  const since = (context.full ? null : await context.cursors.get(scope)) ?? historyStart()
  let newest: string | null = null
  for await (const page of client.commitPages(
    repository.fullName,
    repository.defaultBranch,
    since
  )) {
    const commits = page.data
    if (commits.length === 0) break
    await context.store.upsertContributors(commitContributors(commits))
    await writeCommits(context.store, client, repository, commits)
    for (const commit of commits) {
      const committed = commit.commit.committer?.date ?? null
      if (committed && (!newest || committed > newest)) newest = committed
    }
  }
  if (newest) await context.cursors.set(scope, newest)
}

import type { CommitInput, StoredRepository, SyncContext } from '#plugin-sdk'
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
    authoredAt: commit.commit.author?.date ?? null,
    committedAt: commit.commit.committer?.date ?? commit.commit.author?.date ?? null,
    parentShas: commit.parents ? commit.parents.map((parent) => parent.sha) : null,
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
    await context.store.upsertCommits(
      commits.map((commit) => commitInput(repository.externalId, commit))
    )
    for (const commit of commits) {
      const committed = commit.commit.committer?.date ?? null
      if (committed && (!newest || committed > newest)) newest = committed
    }
  }
  if (newest) await context.cursors.set(scope, newest)
}

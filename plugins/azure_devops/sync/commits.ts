import type { CommitInput, StoredRepository, SyncContext } from '#plugin-sdk'
import { API_VERSION } from '../client.js'
import { environment } from '../environment.js'
import { projectOf } from './pull_requests.js'

const PAGE_SIZE = 100

type Commit = {
  commitId: string
  comment: string
  commentTruncated?: boolean
  author?: { name?: string; email?: string; date?: string }
  committer?: { name?: string; email?: string; date?: string }
}

export function commitInput(repositoryExternalId: string, commit: Commit): CommitInput {
  return {
    repositoryExternalId,
    sha: commit.commitId,
    message: commit.comment,
    authorLogin: commit.author?.email ?? null,
    authorName: commit.author?.name ?? null,
    authorEmail: commit.author?.email ?? null,
    authoredAt: commit.author?.date ?? null,
    committedAt: commit.committer?.date ?? commit.author?.date ?? null,
  }
}

/**
 * Commits on each monitored repository's default branch since the last
 * run (`searchCriteria.fromDate`), in `$top`/`$skip` pages. The list cuts
 * long messages (`commentTruncated`), and trailers sit at the end, so
 * those are read whole: the store parses the trailers that mark
 * AI-assisted changes.
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
    const whole: Commit[] = []
    for (const commit of commits) {
      if (!commit.commentTruncated) {
        whole.push(commit)
        continue
      }
      const full = await context.http.get<Commit>(`${base}/${commit.commitId}`, {
        query: { 'api-version': API_VERSION },
      })
      whole.push(full.data)
    }
    if (whole.length > 0) {
      await context.store.upsertCommits(
        whole.map((commit) => commitInput(repository.externalId, commit))
      )
    }
    for (const commit of whole) {
      const date = commit.committer?.date ?? null
      if (date && (!newest || date > newest)) newest = date
    }
    if (page.data.value.length < PAGE_SIZE) break
  }
  if (newest) await context.cursors.set(scope, newest)
}

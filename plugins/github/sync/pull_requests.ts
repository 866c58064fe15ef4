import type { StoredRepository, SyncContext } from '#plugin-sdk'
import { GitHubClient } from '../client.js'
import { gitHubAppConfig } from '../config.js'
import type * as GitHub from '../types.js'
import { eachMonitoredRepository, pullRequestMarker } from '#plugin-sdk'
import { writeCommits } from './commits.js'
import { pullRequestInput, uniqueContributors, type PullRequestDetails } from './mappers.js'

/** repositories synced side by side; the HTTP client's own cap bounds the requests */
const REPOSITORIES_IN_PARALLEL = 4

/**
 * Pull requests of every monitored repository, incrementally: the list
 * is read most recently updated first and stops at the last run's
 * newest update, so an unchanged repository costs one conditional
 * request (a 304). Recently updated pull requests also get their size,
 * reviews and first commit, which the list does not carry.
 */
export async function syncPullRequests(context: SyncContext) {
  const client = new GitHubClient(context.http)
  const detailSince = new Date(Date.now() - gitHubAppConfig().detailDays * 86_400_000).toISOString()
  await eachMonitoredRepository(context, { parallel: REPOSITORIES_IN_PARALLEL }, (repository) =>
    syncRepository(context, client, repository, detailSince)
  )
}

async function syncRepository(
  context: SyncContext,
  client: GitHubClient,
  repository: StoredRepository,
  detailSince: string
) {
  const scope = `pulls:${repository.externalId}`
  const cursor = context.full ? null : await context.cursors.get(scope)
  let newest: string | null = null
  for await (const page of client.pullRequestPages(repository.fullName)) {
    const changed = cursor ? page.data.filter((pull) => pull.updated_at > cursor) : page.data
    newest ??= changed[0]?.updated_at ?? null
    await writePage(context, client, repository, changed, detailSince)
    // Sorted by update: once one is older than the cursor, so is the rest.
    if (changed.length < page.data.length) break
  }
  if (newest) await context.cursors.set(scope, newest)
}

async function writePage(
  context: SyncContext,
  client: GitHubClient,
  repository: StoredRepository,
  pulls: GitHub.PullRequest[],
  detailSince: string
) {
  if (pulls.length === 0) return
  const details = await Promise.all(
    pulls.map((pull) =>
      pull.updated_at >= detailSince
        ? readDetails(client, repository.fullName, pull.number)
        : Promise.resolve<PullRequestDetails>({ detail: null, reviews: [], commits: [] })
    )
  )
  await context.store.upsertContributors(
    uniqueContributors([
      ...pulls.map((pull) => pull.user),
      ...details.flatMap((detail) => detail.reviews.map((review) => review.user)),
    ])
  )
  // a marked pull request's commits, with the lines each added: the
  // core's built-in signals (docs/ai_code.md)
  for (const [index, pull] of pulls.entries()) {
    if (details[index].commits.length === 0 || !pullRequestMarker(pull.body)) continue
    await writeCommits(context.store, client, repository, details[index].commits, { all: true })
  }
  await context.store.upsertPullRequests(
    pulls.map((pull, index) => ({
      ...pullRequestInput(repository.externalId, pull, details[index]),
      // the commits GitHub listed, when it was asked
      ...(details[index].commits.length > 0
        ? { commitShas: details[index].commits.map((commit) => commit.sha) }
        : {}),
    }))
  )
}

export async function readDetails(
  client: GitHubClient,
  repository: string,
  number: number
): Promise<PullRequestDetails> {
  const [detail, reviews, commits] = await Promise.all([
    client.pullRequest(repository, number).then((response) => response.data),
    client.reviews(repository, number),
    client.pullRequestCommits(repository, number),
  ])
  return { detail, reviews, commits }
}

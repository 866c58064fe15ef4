import type { StoredRepository, SyncContext } from '#plugin-sdk'
import { BitbucketClient } from '../client.js'
import { environment } from '../environment.js'
import type * as Bitbucket from '../types.js'
import { writeCommits } from './commits.js'
import {
  descriptionOf,
  detailsFrom,
  pullRequestInput,
  uniqueContributors,
  type PullRequestDetails,
} from './mappers.js'
import { eachMonitoredRepository, pullRequestMarker } from '#plugin-sdk'

const REPOSITORIES_IN_PARALLEL = 4
/** a pull request's commits read at most (newest first, as Bitbucket lists them) */
export const MAX_PULL_REQUEST_COMMITS = 250

/**
 * Pull requests of every monitored repository, in every state, with
 * their participants. Incremental: the first run lists them all; later
 * runs ask only for those updated since the newest update seen
 * (`q=updated_on > …`, `sort=-updated_on`), so an unchanged repository
 * costs one request with an empty page. Pull requests updated within
 * BITBUCKET_PR_DETAIL_DAYS also get their activity (merge time, first
 * review, approvals), diffstat (size) and commits (stored with their
 * messages, so the AI-code policy reads their AI marks).
 */
export async function syncPullRequests(context: SyncContext) {
  const client = new BitbucketClient(context.http)
  const detailDays = environment.get('BITBUCKET_PR_DETAIL_DAYS')
  const detailSince = Date.now() - detailDays * 86_400_000
  await eachMonitoredRepository(context, { parallel: REPOSITORIES_IN_PARALLEL }, (repository) =>
    syncRepository(context, client, repository, detailDays > 0 ? detailSince : Infinity)
  )
}

async function syncRepository(
  context: SyncContext,
  client: BitbucketClient,
  repository: StoredRepository,
  detailSince: number
) {
  const scope = `pulls:${repository.externalId}`
  const cursor = context.full ? null : await context.cursors.get(scope)
  let newest: string | null = null
  for await (const page of client.pullRequests(repository.fullName, cursor)) {
    newest ??= page.items[0]?.updated_on ?? null
    await writePullRequests(context, client, repository, page.items, detailSince)
  }
  if (newest && (!cursor || Date.parse(newest) > Date.parse(cursor))) {
    await context.cursors.set(scope, newest)
  }
}

export async function writePullRequests(
  context: { store: SyncContext['store'] },
  client: BitbucketClient,
  repository: Pick<StoredRepository, 'externalId' | 'fullName'>,
  pulls: Bitbucket.PullRequest[],
  detailSince: number
) {
  if (pulls.length === 0) return
  const details = await Promise.all(
    pulls.map((pull) =>
      Date.parse(pull.updated_on) >= detailSince
        ? readDetails(client, repository.fullName, pull)
        : Promise.resolve(null)
    )
  )
  await context.store.upsertContributors(
    uniqueContributors(
      pulls.flatMap((pull) => [pull.author, ...(pull.participants ?? []).map((p) => p.user)])
    )
  )
  const commits = details.flatMap((detail) => detail?.commits ?? [])
  if (commits.length > 0) {
    await context.store.upsertContributors(
      uniqueContributors(
        details.flatMap((detail) => (detail?.commits ?? []).map((c) => c.author.user))
      )
    )
    // with the lines each signalled commit added (built-in AI signals);
    // every commit's when its pull request's description carries a marker
    const marked = new Set(
      pulls.flatMap((pull, index) =>
        pullRequestMarker(descriptionOf(pull))
          ? (details[index]?.commits ?? []).map((commit) => commit.hash)
          : []
      )
    )
    await writeCommits(context.store, client, repository, commits, marked)
  }
  await context.store.upsertPullRequests(
    pulls.map((pull, index) => pullRequestInput(repository.externalId, pull, details[index]))
  )
}

export async function readDetails(
  client: BitbucketClient,
  fullName: string,
  pull: Bitbucket.PullRequest
): Promise<PullRequestDetails> {
  const activity: Bitbucket.Activity[] = []
  const diffstat: Bitbucket.DiffStat[] = []
  const commits: Bitbucket.Commit[] = []
  await Promise.all([
    (async () => {
      for await (const entry of client.activity(fullName, pull.id)) activity.push(entry)
    })(),
    (async () => {
      for await (const file of client.diffstat(fullName, pull.id)) diffstat.push(file)
    })(),
    (async () => {
      for await (const commit of client.pullRequestCommits(fullName, pull.id)) {
        commits.push(commit)
        if (commits.length === MAX_PULL_REQUEST_COMMITS) break
      }
    })(),
  ])
  return detailsFrom(pull, activity, diffstat, commits)
}

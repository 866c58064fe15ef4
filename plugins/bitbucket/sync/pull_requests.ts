import type { StoredRepository, SyncContext } from '#plugin-sdk'
import { BitbucketClient } from '../client.js'
import { environment } from '../environment.js'
import type * as Bitbucket from '../types.js'
import { DIFFS_PER_WRITE, writeCommits } from './commits.js'
import {
  descriptionOf,
  detailsFrom,
  pullRequestInput,
  uniqueContributors,
  type PullRequestDetails,
} from './mappers.js'
import { eachMonitoredRepository, pullRequestMarker } from '#plugin-sdk'

const REPOSITORIES_IN_PARALLEL = 4

/**
 * Pull requests of every monitored repository, in every state, with
 * their participants. Incremental: the first run lists them all; later
 * runs ask only for those updated since the newest update seen
 * (`q=updated_on > …`, `sort=-updated_on`), so an unchanged repository
 * costs one request with an empty page. Pull requests updated within
 * BITBUCKET_PR_DETAIL_DAYS also get their activity (merge time, first
 * review, approvals), diffstat (size) and every one of their commits
 * (stored with their messages, so the AI-code policy reads their AI
 * marks; see readDetails).
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

type Store = SyncContext['store']
type Repository = Pick<StoredRepository, 'externalId' | 'fullName'>

export async function writePullRequests(
  context: { store: Store },
  client: BitbucketClient,
  repository: Repository,
  pulls: Bitbucket.PullRequest[],
  detailSince: number
) {
  if (pulls.length === 0) return
  await context.store.upsertContributors(
    uniqueContributors(
      pulls.flatMap((pull) => [pull.author, ...(pull.participants ?? []).map((p) => p.user)])
    )
  )
  const commits = commitWriter(context.store, client, repository)
  const details = await Promise.all(
    pulls.map((pull) =>
      Date.parse(pull.updated_on) >= detailSince
        ? readDetails(client, repository.fullName, pull, commits)
        : Promise.resolve(null)
    )
  )
  // every commit stored before the rows that name them
  await commits.flush()
  await context.store.upsertPullRequests(
    pulls.map((pull, index) => pullRequestInput(repository.externalId, pull, details[index]))
  )
}

/**
 * The pull request's activity, diffstat and commits, read in parallel.
 * Every commit is read, page after page (`next` links), each page handed
 * to the page's commit writer before the next is asked for; only the
 * SHAs are kept, for the pull request's row. When the description
 * carries an agent's marker, every commit is marked: its diff is read
 * for the lines it added.
 */
export async function readDetails(
  client: BitbucketClient,
  fullName: string,
  pull: Bitbucket.PullRequest,
  commits: CommitWriter
): Promise<PullRequestDetails> {
  const activity: Bitbucket.Activity[] = []
  const diffstat: Bitbucket.DiffStat[] = []
  const commitShas: string[] = []
  const marked = Boolean(pullRequestMarker(descriptionOf(pull)))
  await Promise.all([
    (async () => {
      for await (const entry of client.activity(fullName, pull.id)) activity.push(entry)
    })(),
    (async () => {
      for await (const file of client.diffstat(fullName, pull.id)) diffstat.push(file)
    })(),
    (async () => {
      for await (const page of client.pullRequestCommits(fullName, pull.id)) {
        await commits.add(page.items, marked)
        for (const commit of page.items) commitShas.push(commit.hash)
      }
    })(),
  ])
  return detailsFrom(pull, activity, diffstat, commitShas)
}

type CommitWriter = ReturnType<typeof commitWriter>

/**
 * Gathers the commits of a page of pull requests and stores them
 * (writeCommits, with their authors) once DIFFS_PER_WRITE are waiting,
 * one write after another: a few pull requests' commits share a write,
 * and at most one write's diffs are held at once. `add` resolves once
 * its commits are written, or are waiting for fewer than
 * DIFFS_PER_WRITE others, so a reader asks for its next page only then.
 */
function commitWriter(store: Store, client: BitbucketClient, repository: Repository) {
  let waiting: Bitbucket.Commit[] = []
  let marked = new Set<string>()
  let last: Promise<void> = Promise.resolve()

  function write() {
    const commits = waiting
    const diffsOf = marked
    waiting = []
    marked = new Set()
    const next = last.then(async () => {
      await store.upsertContributors(uniqueContributors(commits.map((c) => c.author.user)))
      await writeCommits(store, client, repository, commits, diffsOf)
    })
    last = next.catch(() => undefined)
    return next
  }

  return {
    async add(commits: Bitbucket.Commit[], allMarked: boolean) {
      waiting.push(...commits)
      if (allMarked) for (const commit of commits) marked.add(commit.hash)
      if (waiting.length >= DIFFS_PER_WRITE) await write()
    },
    async flush() {
      if (waiting.length > 0) await write()
      await last
    },
  }
}

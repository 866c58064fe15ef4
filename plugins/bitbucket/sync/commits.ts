import type { CommitInput, StoredRepository, SyncContext } from '#plugin-sdk'
import { addedLinesOfDiff, carriesAiSignal } from '#plugin-sdk'
import { BitbucketClient } from '../client.js'
import type * as Bitbucket from '../types.js'
import { environment } from '../environment.js'
import { commitInput, uniqueContributors } from './mappers.js'
import { eachMonitoredRepository } from '#plugin-sdk'

/**
 * Commits on each monitored repository's main branch, newest first,
 * down to the newest commit the last run saw (or BITBUCKET_HISTORY_DAYS
 * back on the first run). The store parses trailers and AI-assistance
 * marks from the messages; a commit with a built-in AI signal has its
 * added lines read from its diff (writeCommits).
 */
export async function syncCommits(context: SyncContext) {
  const client = new BitbucketClient(context.http)
  const horizon = Date.now() - environment.get('BITBUCKET_HISTORY_DAYS') * 86_400_000
  await eachMonitoredRepository(
    context,
    { parallel: 4, filter: (repository) => Boolean(repository.defaultBranch) },
    (repository) => syncRepository(context, client, repository, horizon)
  )
}

async function syncRepository(
  context: SyncContext,
  client: BitbucketClient,
  repository: StoredRepository,
  horizon: number
) {
  const scope = `commits:${repository.externalId}`
  const cursor = context.full ? null : await context.cursors.get(scope)
  let newest: string | null = null
  for await (const page of client.commits(repository.fullName, repository.defaultBranch!)) {
    newest ??= page.items[0]?.hash ?? null
    const stop = page.items.findIndex(
      (commit) => commit.hash === cursor || Date.parse(commit.date) < horizon
    )
    const fresh = stop === -1 ? page.items : page.items.slice(0, stop)
    await context.store.upsertContributors(uniqueContributors(fresh.map((c) => c.author.user)))
    await writeCommits(context.store, client, repository, fresh)
    if (stop !== -1) break
  }
  if (newest) await context.cursors.set(scope, newest)
}

/**
 * Commits written per upsert when their diffs are read: at most this many
 * commits' added lines are held at once.
 */
export const DIFFS_PER_WRITE = 50

/**
 * Writes the commits, with the lines added by each that carries a
 * built-in AI signal (a trailer, an agent's identity) or is one of
 * `marked` (a commit of a pull request whose description carries an
 * agent's marker): one diff request per such commit, every one of them,
 * in groups of DIFFS_PER_WRITE commits each written before the next
 * group's diffs are read.
 */
export async function writeCommits(
  store: SyncContext['store'],
  client: BitbucketClient,
  repository: { externalId: string; fullName: string },
  commits: Bitbucket.Commit[],
  marked: ReadonlySet<string> = new Set()
) {
  for (let start = 0; start < commits.length; start += DIFFS_PER_WRITE) {
    const group: CommitInput[] = commits
      .slice(start, start + DIFFS_PER_WRITE)
      .map((commit) => commitInput(repository.externalId, commit))
    await Promise.all(
      group
        .filter((input) => marked.has(input.sha) || carriesAiSignal(input))
        .map(async (input) => {
          input.addedLines = addedLinesOfDiff(
            await client.commitDiff(repository.fullName, input.sha)
          )
        })
    )
    await store.upsertCommits(group)
  }
}

import type { StoredRepository, SyncContext } from '#plugin-sdk'
import { BitbucketClient } from '../client.js'
import { environment } from '../environment.js'
import { commitInput, uniqueContributors } from './mappers.js'
import { eachMonitoredRepository } from '#plugin-sdk'

/**
 * Commits on each monitored repository's main branch, newest first,
 * down to the newest commit the last run saw (or BITBUCKET_HISTORY_DAYS
 * back on the first run). The store parses trailers and AI-assistance
 * marks from the messages.
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
    await context.store.upsertCommits(
      fresh.map((commit) => commitInput(repository.externalId, commit))
    )
    if (stop !== -1) break
  }
  if (newest) await context.cursors.set(scope, newest)
}

import type { SyncContext } from '#plugin-sdk'
import { BitbucketClient } from '../client.js'
import { workspaceOf } from '../connect.js'
import { repositoryInput } from './mappers.js'

/**
 * The workspace's repositories, one page of 100 at a time. Every run
 * reads the whole list (it is short, and conditional where Bitbucket
 * sends an ETag), so a repository the credential no longer reaches is
 * detached: it keeps its history but stops syncing.
 */
export async function syncRepositories(context: SyncContext) {
  const client = new BitbucketClient(context.http)
  const seen = new Set<string>()
  for await (const page of client.repositories(workspaceOf(context.connection))) {
    await context.store.upsertRepositories(page.items.map(repositoryInput))
    for (const repository of page.items) seen.add(repository.uuid)
    await context.progress(seen.size, null, 'repositories')
  }
  const stored = await context.store.repositories()
  const gone = stored
    .filter((repository) => !seen.has(repository.externalId))
    .map((repository) => repository.externalId)
  if (gone.length > 0) await context.store.detachRepositories(gone)
}

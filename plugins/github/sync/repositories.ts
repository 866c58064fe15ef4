import type { SyncContext } from '#plugin-sdk'
import { GitHubClient } from '../client.js'
import { repositoryInput } from './mappers.js'

/**
 * The repositories the installation can read. One that left the
 * installation is detached: its history stays, it is no longer synced.
 */
export async function syncRepositories(context: SyncContext) {
  const client = new GitHubClient(context.http)
  const reachable = new Set<string>()
  for await (const repositories of client.installationRepositories()) {
    await context.store.upsertRepositories(repositories.map(repositoryInput))
    for (const repository of repositories) reachable.add(String(repository.id))
    await context.progress(reachable.size, null, 'repositories')
  }
  const stored = await context.store.repositories()
  const gone = stored.filter((repository) => !reachable.has(repository.externalId))
  await context.store.detachRepositories(gone.map((repository) => repository.externalId))
}

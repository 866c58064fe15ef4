import type { SyncContext } from '#plugin-sdk'
import { GitHubClient } from '../client.js'
import { repositoryInput } from './mappers.js'
import { isTokenConnection } from '../personal_token.js'

/**
 * The repositories the installation (or the personal access token) can read. One that left the
 * installation is detached: its history stays, it is no longer synced.
 */
export async function syncRepositories(context: SyncContext) {
  const client = new GitHubClient(context.http)
  const reachable = new Set<string>()
  const pages = isTokenConnection(context.connection)
    ? client.tokenRepositories()
    : client.installationRepositories()
  for await (const repositories of pages) {
    await context.store.upsertRepositories(repositories.map(repositoryInput))
    for (const repository of repositories) reachable.add(String(repository.id))
    await context.progress(reachable.size, null, 'repositories')
  }
  const stored = await context.store.repositories()
  const gone = stored.filter((repository) => !reachable.has(repository.externalId))
  await context.store.detachRepositories(gone.map((repository) => repository.externalId))
}

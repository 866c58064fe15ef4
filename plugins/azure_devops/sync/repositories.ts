import { createHash } from 'node:crypto'
import type { RepositoryInput, SyncContext } from '#plugin-sdk'
import { API_VERSION } from '../client.js'
import type { Azure } from '../types.js'

const branchName = (ref: string | undefined) => (ref ? ref.replace(/^refs\/heads\//, '') : null)

export function repositoryInput(repository: Azure.Repository): RepositoryInput {
  return {
    externalId: repository.id,
    name: repository.name,
    fullName: `${repository.project.name}/${repository.name}`,
    // the canonical key other plugins resolve to: dev.azure.com/{org}/{project}/{repo}
    url: repository.webUrl ?? null,
    cloneUrl: repository.remoteUrl ?? null,
    defaultBranch: branchName(repository.defaultBranch),
    isPrivate: true,
    isArchived: repository.isDisabled === true,
  }
}

/** the organisation's Git repositories (every project's), in one request */
export async function listRepositories(context: Pick<SyncContext, 'http'>) {
  const answer = await context.http.get<Azure.List<Azure.Repository>>('/_apis/git/repositories', {
    query: { 'api-version': API_VERSION },
  })
  return answer.data.value
}

/**
 * Projects and their Git repositories. A repository no longer listed is
 * detached (its history stays); an unchanged list writes nothing.
 */
export async function syncRepositories(context: SyncContext) {
  const repositories = await listRepositories(context)
  const inputs = repositories.map(repositoryInput)
  const digest = createHash('sha256').update(JSON.stringify(inputs)).digest('base64url')
  if (!context.full && (await context.cursors.get('repositories')) === digest) return
  await context.store.upsertRepositories(inputs)
  const reachable = new Set(inputs.map((input) => input.externalId))
  const known = await context.store.repositories()
  const gone = known.filter((stored) => !reachable.has(stored.externalId))
  await context.store.detachRepositories(gone.map((stored) => stored.externalId))
  await context.progress(inputs.length, inputs.length, 'repositories')
  await context.cursors.set('repositories', digest)
}

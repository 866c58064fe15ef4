import { HttpError, type StoredRepository, type SyncContext } from '#plugin-sdk'
import { BitbucketClient, repositoryPath } from '../client.js'
import { webUrl } from '../environment.js'
import { eachMonitoredRepository } from '#plugin-sdk'

/**
 * The main branch's head of each monitored repository, downloaded as
 * Bitbucket's tarball (`https://bitbucket.org/{workspace}/{repo}/get/{sha}.tar.gz`,
 * one top folder) and unpacked safely by the platform: no entry leaves
 * the folder, links are skipped. An unmoved head is not downloaded again.
 */
export async function downloadSnapshots(context: SyncContext) {
  const client = new BitbucketClient(context.http)
  await eachMonitoredRepository(
    context,
    { parallel: 2, filter: (repository) => Boolean(repository.defaultBranch) },
    (repository) => snapshotRepository(context, client, repository)
  )
}

async function snapshotRepository(
  context: SyncContext,
  client: BitbucketClient,
  repository: StoredRepository
) {
  let sha: string
  try {
    sha = await client.branchHead(repository.fullName, repository.defaultBranch!)
  } catch (error) {
    // an empty repository has no branch yet: nothing to download
    if (error instanceof HttpError && error.status === 404) return
    throw error
  }
  if (!context.full && repository.lastCommitSha === sha && repository.snapshotAt) return
  const download = await context.http.download(
    `${webUrl()}/${repositoryPath(repository.fullName)}/get/${sha}.tar.gz`
  )
  const report = await context.store.replaceRepositorySnapshot(
    repository.externalId,
    download.body,
    {
      sha,
      stripComponents: 1,
      signal: context.signal,
    }
  )
  if (report.skippedCount > 0) {
    context.logger.info(
      { repository: repository.fullName, skipped: report.skippedCount },
      'snapshot skipped entries that could leave the folder or are links'
    )
  }
}

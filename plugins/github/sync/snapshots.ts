import { HttpError, type StoredRepository, type SyncContext } from '#plugin-sdk'
import { GitHubClient } from '../client.js'
import { gitHubAppConfig } from '../config.js'
import { eachMonitoredRepository } from '#plugin-sdk'

/** Archives are large: two at a time keeps disk and network busy without crowding out syncs. */
const DOWNLOADS_IN_PARALLEL = 2

/**
 * The latest commit of each monitored repository's default branch,
 * downloaded as GitHub's tarball (no git binary) and unpacked under the
 * snapshot folder. A repository whose branch head has not moved since
 * the last snapshot costs one conditional request.
 */
export async function downloadSnapshots(context: SyncContext) {
  const client = new GitHubClient(context.http)
  const { maxSnapshotBytes } = gitHubAppConfig()
  await eachMonitoredRepository(
    context,
    { parallel: DOWNLOADS_IN_PARALLEL, filter: (repository) => Boolean(repository.defaultBranch) },
    (repository) => snapshotRepository(context, client, repository, maxSnapshotBytes)
  )
}

async function snapshotRepository(
  context: SyncContext,
  client: GitHubClient,
  repository: StoredRepository,
  maxTotalBytes: number
) {
  let sha: string
  try {
    const branch = await client.branch(repository.fullName, repository.defaultBranch!)
    sha = branch.data.commit.sha
  } catch (error) {
    // An empty repository has no branch yet: nothing to download.
    if (error instanceof HttpError && error.status === 404) return
    throw error
  }
  if (!context.full && repository.lastCommitSha === sha && repository.snapshotAt) return
  const download = await client.tarball(repository.fullName, sha)
  const report = await context.store.replaceRepositorySnapshot(
    repository.externalId,
    download.body,
    {
      sha,
      stripComponents: 1,
      limits: { maxTotalBytes },
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

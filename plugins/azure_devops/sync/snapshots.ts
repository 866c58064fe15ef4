import { HttpError, type StoredRepository, type SyncContext } from '#plugin-sdk'
import { API_VERSION } from '../client.js'
import { projectOf } from './pull_requests.js'

/**
 * The head of each monitored repository's default branch, served by the
 * items API as a zip (`$format=zip`) and unpacked by the platform, which
 * skips entries such as `..\evil` or `/etc/x`. A repository whose head
 * has not moved since the last snapshot costs one request.
 */
export async function downloadSnapshots(context: SyncContext) {
  for (const repository of await context.store.repositories({ monitoredOnly: true })) {
    if (!repository.defaultBranch || repository.isArchived) continue
    await snapshotRepository(context, repository)
  }
}

async function snapshotRepository(context: SyncContext, repository: StoredRepository) {
  const base = `/${encodeURIComponent(projectOf(repository))}/_apis/git/repositories/${repository.externalId}`
  let sha: string
  try {
    const branch = await context.http.get<{ commit: { commitId: string } }>(
      `${base}/stats/branches`,
      {
        query: { 'name': repository.defaultBranch!, 'api-version': API_VERSION },
        conditional: false,
      }
    )
    sha = branch.data.commit.commitId
  } catch (error) {
    // an empty repository has no branch yet: nothing to download
    if (error instanceof HttpError && error.status === 404) return
    throw error
  }
  if (!context.full && repository.lastCommitSha === sha && repository.snapshotAt) return
  const download = await context.http.download(`${base}/items`, {
    query: {
      'path': '/',
      'versionDescriptor.version': sha,
      'versionDescriptor.versionType': 'commit',
      '$format': 'zip',
      'download': 'true',
      'api-version': API_VERSION,
    },
    headers: { accept: 'application/zip' },
  })
  const report = await context.store.replaceRepositorySnapshot(
    repository.externalId,
    download.body,
    {
      sha,
      format: 'zip',
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

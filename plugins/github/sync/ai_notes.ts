import {
  HttpError,
  eachMonitoredRepository,
  type GitAiNoteInput,
  type StoredRepository,
  type SyncContext,
} from '#plugin-sdk'
import { GitHubClient } from '../client.js'

/** repositories read side by side; the HTTP client's own cap bounds the requests */
const REPOSITORIES_IN_PARALLEL = 2
/** notes handed to the core at once */
const BATCH = 50
/** at most this many notes are read per repository and run */
const MAX_NOTES = 5_000

/**
 * Git AI authorship notes (refs/notes/ai) read through GitHub's git data
 * API, no clone needed: the ref → its commit → that commit's tree (with
 * every entry, fan-out folders included) → each blob named by the
 * annotated commit's SHA. A repository whose notes ref has not moved
 * since the last run costs one request; one without the ref costs one
 * 404.
 */
export async function syncAiNotes(context: SyncContext) {
  const client = new GitHubClient(context.http)
  await eachMonitoredRepository(context, { parallel: REPOSITORIES_IN_PARALLEL }, (repository) =>
    syncRepository(context, client, repository)
  )
}

async function syncRepository(
  context: SyncContext,
  client: GitHubClient,
  repository: StoredRepository
) {
  let notesCommit: string
  try {
    const reference = await client.reference(repository.fullName, 'notes/ai')
    notesCommit = reference.data.object.sha
  } catch (error) {
    // no refs/notes/ai (or an empty repository): nothing to read
    if (error instanceof HttpError && (error.status === 404 || error.status === 409)) return
    throw error
  }
  const scope = `ai-notes:${repository.externalId}`
  if (!context.full && (await context.cursors.get(scope)) === notesCommit) return
  const commit = await client.gitCommit(repository.fullName, notesCommit)
  const tree = await client.gitTree(repository.fullName, commit.data.tree.sha)
  if (tree.truncated) {
    context.logger.warn(
      { repository: repository.fullName },
      'refs/notes/ai has more entries than GitHub lists in one tree; read the rest from a clone'
    )
  }
  const entries = tree.tree
    .filter((entry) => entry.type === 'blob')
    .map((entry) => ({ sha: entry.sha, commit: entry.path.replaceAll('/', '') }))
    .filter((entry) => /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(entry.commit))
    .slice(0, MAX_NOTES)
  let batch: GitAiNoteInput[] = []
  for (const entry of entries) {
    const blob = await client.gitBlob(repository.fullName, entry.sha)
    const text =
      blob.encoding === 'base64'
        ? Buffer.from(blob.content, 'base64').toString('utf8')
        : blob.content
    batch.push({ commitSha: entry.commit, text })
    if (batch.length === BATCH) {
      await context.store.upsertGitAiNotes(repository.externalId, batch)
      batch = []
    }
  }
  if (batch.length > 0) await context.store.upsertGitAiNotes(repository.externalId, batch)
  await context.cursors.set(scope, notesCommit)
}

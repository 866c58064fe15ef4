import {
  HttpError,
  type GitAiNoteInput,
  type StoredRepository,
  type SyncContext,
} from '#plugin-sdk'
import { API_VERSION } from '../client.js'
import { projectOf } from './pull_requests.js'

const NOTES_REF = 'refs/notes/ai'
/** notes handed to the core at once */
const BATCH = 50
/** at most this many notes are read per repository and run */
const MAX_NOTES = 5_000
/** a note's path in the notes tree: the annotated commit's SHA, fan-out folders joined back */
const NOTED_COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/

type TreeEntry = { relativePath: string; objectId: string; gitObjectType: string }
type NoteEntry = { commit: string; blob: string }

/**
 * Git AI authorship notes (refs/notes/ai) read through the Azure Repos
 * Git REST API, no clone needed: Refs - List (`filter=notes/ai`) → the
 * notes commit (Commits - Get, its `treeId`) → Trees - Get
 * (`recursive=true`, fan-out folders `ab/cdef…` joined back into the
 * annotated commit's SHA) → each note's blob (Blobs - Get,
 * `$format=text`). A notes ref that has not moved since the last run
 * costs one request; a repository without one, one request. When it
 * moved, the previous notes tree is listed too and only the notes that
 * are new or changed are read (a full sync reads them all).
 */
export async function syncAiNotes(context: SyncContext) {
  // one repository at a time: a 401 reaches the guard as it is
  for (const repository of await context.store.repositories({ monitoredOnly: true })) {
    await syncRepository(context, repository)
  }
}

async function syncRepository(context: SyncContext, repository: StoredRepository) {
  const base = `/${encodeURIComponent(projectOf(repository))}/_apis/git/repositories/${repository.externalId}`
  const get = async <T>(path: string, query: Record<string, string | boolean> = {}) => {
    const response = await context.http.get<T>(`${base}${path}`, {
      query: { ...query, 'api-version': API_VERSION },
    })
    return response.data
  }
  const refs = await get<{ value: Array<{ name: string; objectId: string }> }>('/refs', {
    filter: 'notes/ai',
  })
  // "starts with": refs/notes/ai-other is not the notes ref
  const notesCommit = refs.value.find((ref) => ref.name === NOTES_REF)?.objectId
  if (!notesCommit) return
  const scope = `ai-notes:${repository.externalId}`
  const previous = context.full ? null : await context.cursors.get(scope)
  if (previous === notesCommit) return

  const notesOf = async (commitId: string): Promise<NoteEntry[]> => {
    const commit = await get<{ treeId: string }>(`/commits/${commitId}`)
    const tree = await get<{ treeEntries: TreeEntry[] }>(`/trees/${commit.treeId}`, {
      recursive: true,
    })
    return tree.treeEntries
      .filter((entry) => entry.gitObjectType === 'blob')
      .map((entry) => ({ commit: entry.relativePath.replaceAll('/', ''), blob: entry.objectId }))
      .filter((entry) => NOTED_COMMIT.test(entry.commit))
  }
  const known = previous ? await previousNotes(previous, notesOf) : new Map<string, string>()
  const current = await notesOf(notesCommit)
  const entries = current
    .filter((entry) => known.get(entry.commit) !== entry.blob)
    .slice(0, MAX_NOTES)

  let batch: GitAiNoteInput[] = []
  for (const entry of entries) {
    const blob = await context.http.get<string>(`${base}/blobs/${entry.blob}`, {
      query: { '$format': 'text', 'api-version': API_VERSION },
      headers: { accept: 'text/plain' },
      // a blob never changes: nothing to revalidate
      conditional: false,
    })
    batch.push({ commitSha: entry.commit, text: String(blob.data) })
    if (batch.length === BATCH) {
      await context.store.upsertGitAiNotes(repository.externalId, batch)
      batch = []
    }
  }
  if (batch.length > 0) await context.store.upsertGitAiNotes(repository.externalId, batch)
  await context.cursors.set(scope, notesCommit)
}

/**
 * The notes the last run stored (each annotated commit's blob), read
 * from the notes commit it ended at; a commit the service no longer has
 * (the notes ref was rewritten and collected) means reading them all.
 */
async function previousNotes(
  commitId: string,
  notesOf: (commitId: string) => Promise<NoteEntry[]>
) {
  try {
    const entries = await notesOf(commitId)
    return new Map(entries.map((entry) => [entry.commit, entry.blob]))
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) return new Map<string, string>()
    throw error
  }
}

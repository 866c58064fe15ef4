import type { CommitInput, HttpClient } from '#plugin-sdk'
import { API_VERSION } from '../client.js'

/** files read per commit at most (the core keeps 1,000 files' added lines) */
export const MAX_CHANGED_FILES = 1000
/** paths per File Diffs request */
const PATHS_PER_FILE_DIFFS = 100

/** Commits - Get Changes: GitCommitChanges */
type Changes = {
  changes?: Array<{
    item?: { path?: string; gitObjectType?: string; isFolder?: boolean }
    changeType?: string
    originalPath?: string
    sourceServerItem?: string
  }>
}

/** Diffs - Get File Diffs: FileDiff, its LineDiffBlocks */
type FileDiff = {
  path?: string
  lineDiffBlocks?: Array<{
    changeType?: string | number
    modifiedLineNumberStart?: number
    modifiedLinesCount?: number
  }>
}

/** LineDiffBlockChangeType: none 0, add 1, delete 2, edit 3 (as a name or a number) */
function addsLines(changeType: string | number | undefined) {
  return changeType === 'add' || changeType === 'edit' || changeType === 1 || changeType === 3
}

/**
 * The lines a commit added, per file, in the new file's numbering: the
 * commit's changed files (Commits - Get Changes), then their line diff
 * blocks against its first parent (Diffs - Get File Diffs, POST
 * …/filediffs): an `add` or `edit` block's modified lines are added ones.
 * Azure DevOps gives no unified diff; a root commit (no parent to diff
 * against) and deleted files give none.
 */
export async function commitAddedLines(
  http: HttpClient,
  base: string,
  commit: { sha: string; parent: string | null }
): Promise<NonNullable<CommitInput['addedLines']>> {
  if (!commit.parent) return []
  const changes = await http.get<Changes>(`${base}/${commit.sha}/changes`, {
    query: { 'top': MAX_CHANGED_FILES, 'api-version': API_VERSION },
  })
  const files = (changes.data.changes ?? [])
    .filter(
      (change) =>
        change.item?.path &&
        !change.item.isFolder &&
        (change.item.gitObjectType ?? 'blob') === 'blob' &&
        /\b(add|edit)\b/.test(change.changeType ?? '')
    )
    .map((change) => ({
      path: change.item!.path!,
      originalPath: change.originalPath ?? change.sourceServerItem ?? change.item!.path!,
    }))
  const added: NonNullable<CommitInput['addedLines']> = []
  const diffs = base.replace(/\/commits$/, '/filediffs')
  for (let start = 0; start < files.length; start += PATHS_PER_FILE_DIFFS) {
    const response = await http.post<FileDiff[] | { value?: FileDiff[] }>(diffs, {
      query: { 'api-version': `${API_VERSION}-preview.1` },
      body: {
        baseVersionCommit: commit.parent,
        targetVersionCommit: commit.sha,
        fileDiffParams: files.slice(start, start + PATHS_PER_FILE_DIFFS),
      },
    })
    const answered = Array.isArray(response.data) ? response.data : (response.data.value ?? [])
    for (const file of answered) {
      const ranges = (file.lineDiffBlocks ?? [])
        .filter((block) => addsLines(block.changeType) && (block.modifiedLinesCount ?? 0) > 0)
        .map((block): [number, number] => [
          block.modifiedLineNumberStart!,
          block.modifiedLineNumberStart! + block.modifiedLinesCount! - 1,
        ])
      // the repository's paths without their leading slash, as the other code hosts name them
      if (file.path && ranges.length > 0) added.push({ path: file.path.replace(/^\//, ''), ranges })
    }
  }
  return added
}

import db from '@adonisjs/lucid/services/db'
import type { AuthorshipLog } from '#services/ai_code/git_ai_notes'
import { sqlTime } from '#services/sql'

/**
 * Writes Git AI authorship logs of one repository as facts of source
 * "git_ai", wherever they were read (a clone's notes, the code host's
 * git data API): a prompt's lines are AI, with its agent and model; a
 * human's (`h_…`) are human; prompt transcripts are never kept. Each
 * noted commit's facts are replaced in one transaction (read again,
 * nothing changes). The caller (an action) then rebuilds the GBOM and
 * checks the open pull requests carrying a noted commit again
 * (ApplyAiFactChanges). A commit without a note gets no fact: its lines
 * stay unknown. Returns how many notes were written.
 */
export async function writeGitAiNotes(
  organizationId: number,
  repositoryId: number,
  notes: Array<{ commit: string; log: AuthorshipLog }>
) {
  const now = sqlTime()
  await db.transaction(async (trx) => {
    for (const note of notes) {
      await trx
        .from('ai_code_facts')
        .where('organization_id', organizationId)
        .where('repository_id', repositoryId)
        .where('source', 'git_ai')
        .where('commit_sha', note.commit)
        .delete()
      const rows = note.log.files.flatMap((file) =>
        file.entries.flatMap((entry) => {
          const prompt = note.log.prompts[entry.key]
          const human = entry.key.startsWith('h_')
          if (!prompt && !human) return []
          return entry.ranges.map(([start, end]) => ({
            organization_id: organizationId,
            repository_id: repositoryId,
            source: 'git_ai',
            commit_sha: note.commit,
            path: file.path.slice(0, 1024),
            start_line: start,
            end_line: end,
            origin: human ? 'human' : 'ai',
            agent: prompt?.tool ?? null,
            model: prompt?.model ?? null,
            evidence: `refs/notes/ai ${entry.key}`.slice(0, 255),
            created_at: now,
            updated_at: now,
          }))
        })
      )
      for (let start = 0; start < rows.length; start += 200) {
        await trx.table('ai_code_facts').multiInsert(rows.slice(start, start + 200))
      }
    }
  })
  return notes.length
}

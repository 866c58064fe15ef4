import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import db from '@adonisjs/lucid/services/db'
import RegenerateGbom from '#actions/ai_code/regenerate_gbom'
import { parseAuthorshipLog, type AuthorshipLog } from '#services/ai_code/git_ai_notes'
import { sqlTime } from '#services/sql'

const git = promisify(execFile)

/**
 * Reads the Git AI authorship notes (refs/notes/ai) of a git clone of one
 * of the organisation's repositories into facts of source "git_ai": a
 * prompt's lines are AI, with its agent and model; a human's (`h_…`) are
 * human. Each noted commit's facts are replaced in one transaction (read
 * again, nothing changes), then the repository's GBOM is rebuilt. A
 * commit without a note gets no fact: its lines stay unknown.
 */
export default class ImportGitAiNotes {
  async execute(input: { organizationId: number; repositoryId: number; clonePath: string }) {
    const repository = await db
      .from('repositories')
      .where('organization_id', input.organizationId)
      .where('id', input.repositoryId)
      .first()
    if (!repository) throw new Error('no such repository')
    const listed = await git('git', ['-C', input.clonePath, 'notes', '--ref=ai', 'list']).catch(
      () => ({ stdout: '' })
    )
    const notes: Array<{ commit: string; log: AuthorshipLog }> = []
    for (const line of listed.stdout.split('\n').filter(Boolean)) {
      const [blob, commit] = line.trim().split(/\s+/)
      const { stdout } = await git('git', ['-C', input.clonePath, 'cat-file', '-p', blob], {
        maxBuffer: 64 * 1024 * 1024,
      })
      notes.push({ commit, log: parseAuthorshipLog(stdout) })
    }
    const now = sqlTime()
    await db.transaction(async (trx) => {
      for (const note of notes) {
        await trx
          .from('ai_code_facts')
          .where('organization_id', input.organizationId)
          .where('repository_id', input.repositoryId)
          .where('source', 'git_ai')
          .where('commit_sha', note.commit)
          .delete()
        const rows = note.log.files.flatMap((file) =>
          file.entries.flatMap((entry) => {
            const prompt = note.log.prompts[entry.key]
            const human = entry.key.startsWith('h_')
            if (!prompt && !human) return []
            return entry.ranges.map(([start, end]) => ({
              organization_id: input.organizationId,
              repository_id: input.repositoryId,
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
    await new RegenerateGbom().execute({
      organizationId: input.organizationId,
      repositoryIds: [input.repositoryId],
    })
    return { notes: notes.length }
  }
}

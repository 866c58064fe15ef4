import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import db from '@adonisjs/lucid/services/db'
import { parseAuthorshipLog, type AuthorshipLog } from '#services/ai_code/git_ai_notes'
import { writeGitAiNotes } from '#services/ai_code/git_ai_note_facts'
import { factChanges } from '#services/ai_code/fact_changes'
import ApplyAiFactChanges from '#actions/ai_code/apply_ai_fact_changes'

const git = promisify(execFile)

/**
 * Reads the Git AI authorship notes (refs/notes/ai) of a git clone of one
 * of the organisation's repositories with the git binary, and stores them
 * as facts (writeGitAiNotes), then rebuilds the GBOM and checks the
 * open pull requests carrying a noted commit again. A note that is not a v3 authorship log
 * refuses the whole read, naming its commit.
 */
export default class ImportGitAiNotes {
  async execute(input: { organizationId: number; repositoryId: number; clonePath: string }) {
    const repository = await db
      .from('repositories')
      .where('organization_id', input.organizationId)
      .where('id', input.repositoryId)
      .first()
    if (!repository) throw new Error('no such repository')
    await git('git', ['-C', input.clonePath, 'rev-parse', '--git-dir']).catch(() => {
      throw new Error(`${input.clonePath} is not a git clone`)
    })
    const listed = await git('git', ['-C', input.clonePath, 'notes', '--ref=ai', 'list']).catch(
      () => ({ stdout: '' })
    )
    const notes: Array<{ commit: string; log: AuthorshipLog }> = []
    for (const line of listed.stdout.split('\n').filter(Boolean)) {
      const [blob, commit] = line.trim().split(/\s+/)
      const { stdout } = await git('git', ['-C', input.clonePath, 'cat-file', '-p', blob], {
        maxBuffer: 64 * 1024 * 1024,
      })
      try {
        notes.push({ commit, log: parseAuthorshipLog(stdout) })
      } catch (error) {
        throw new Error(`the note of commit ${commit}: ${(error as Error).message}`)
      }
    }
    if ((await writeGitAiNotes(input.organizationId, input.repositoryId, notes)) > 0) {
      await new ApplyAiFactChanges().execute({
        organizationId: input.organizationId,
        changes: factChanges(
          input.repositoryId,
          notes.map((note) => note.commit)
        ),
      })
    }
    return { notes: notes.length }
  }
}

import { execFile } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** a Git AI Standard v3 authorship log giving `aiLines` of `path` to an agent, the rest to a human */
export function authorshipLog(commit: string, path: string, aiRange: string, humanRange: string) {
  return [
    path,
    `  1612649c4bf0b88e ${aiRange}`,
    `  h_dca485b1adf836 ${humanRange}`,
    '---',
    JSON.stringify({
      schema_version: 'authorship/3.0.0',
      git_ai_version: '1.3.2',
      base_commit_sha: commit,
      prompts: {
        '1612649c4bf0b88e': {
          agent_id: { tool: 'claude', id: 'session-1', model: 'claude-opus-4-6' },
          human_author: 'Dev <dev@example.com>',
          messages: [{ type: 'user', text: 'a prompt that must not be stored' }],
          accepted_lines: 120,
          overriden_lines: 0,
        },
      },
      humans: { h_dca485b1adf836: { author: 'Dev' } },
    }),
  ].join('\n')
}

/**
 * A repository built with the real git binary: `engine.ts` (400 lines)
 * in a commit whose note under refs/notes/ai gives 120 lines to an agent
 * and 100 to a human, then a commit without a note. `noteNext` adds a
 * third commit with its own note (the notes ref moves).
 */
export async function gitAiRepository() {
  const folder = await mkdtemp(join(tmpdir(), 'git-ai-azure-'))
  const git = async (...args: string[]) => {
    const { stdout } = await run('git', ['-C', folder, ...args])
    return stdout.trim()
  }
  await git('init', '-q', '-b', 'main')
  await git('config', 'user.email', 'dev@example.com')
  await git('config', 'user.name', 'Dev')
  const lines = Array.from({ length: 400 }, (_, index) => `line ${index + 1}`).join('\n')
  await writeFile(join(folder, 'engine.ts'), `${lines}\n`)
  await git('add', 'engine.ts')
  await git('commit', '-q', '-m', 'Add the engine')
  const noted = await git('rev-parse', 'HEAD')
  const note = authorshipLog(noted, 'engine.ts', '1-100,201-220', '101-200')
  await git('notes', '--ref=ai', 'add', '-m', note, noted)
  // a rebased commit without a note
  await writeFile(join(folder, 'fuel.ts'), 'a\nb\n')
  await git('add', 'fuel.ts')
  await git('commit', '-q', '-m', 'Add fuel')
  return {
    folder,
    noted,
    async noteNext() {
      await writeFile(join(folder, 'valve.ts'), 'x\ny\nz\n')
      await git('add', 'valve.ts')
      await git('commit', '-q', '-m', 'Add the valve')
      const sha = await git('rev-parse', 'HEAD')
      await git('notes', '--ref=ai', 'add', '-m', authorshipLog(sha, 'valve.ts', '1-2', '3'), sha)
      return sha
    },
    /** rewrite the notes tree with a fan-out folder (`ab/cdef…`), as git does when it grows */
    async fanOut() {
      const blob = await git('rev-parse', `refs/notes/ai:${noted}`)
      const mktree = (input: string) => {
        const child = run('git', ['-C', folder, 'mktree'])
        child.child.stdin!.end(input)
        return child.then((answer) => answer.stdout.trim())
      }
      const inner = await mktree(`100644 blob ${blob}\t${noted.slice(2)}\n`)
      const root = await mktree(`040000 tree ${inner}\t${noted.slice(0, 2)}\n`)
      const commit = await git('commit-tree', root, '-m', 'Notes fanned out')
      await git('update-ref', 'refs/notes/ai', commit)
    },
  }
}

import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import ImportScheduledGitAiNotes from '#actions/ai_code/import_scheduled_git_ai_notes'
import { repositoryComposition } from '#services/ai_code/composition'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { seedWorkspace } from './fake_bitbucket/seed.js'
import { startFakeBitbucket, type FakeBitbucket } from './fake_bitbucket/server.js'
import { oauthConnection } from './testbed.js'

const run = promisify(execFile)

/**
 * Bitbucket Cloud's REST API has no way to read refs/notes/ai (its refs
 * are branches and tags only), so a Bitbucket repository's Git AI notes
 * come from a clone: GIT_AI_CLONES_PATH/<organisation>/<workspace>/<slug>,
 * named as the plugin names the repository.
 */
async function cloneWithNote(folder: string) {
  const git = async (...args: string[]) => {
    const { stdout } = await run('git', ['-C', folder, ...args])
    return stdout.trim()
  }
  await git('init', '-q', '-b', 'main')
  await git('config', 'user.email', 'dev@example.com')
  await git('config', 'user.name', 'Dev')
  await writeFile(join(folder, 'parser.ts'), 'a\nb\nc\nd\n')
  await git('add', 'parser.ts')
  await git('commit', '-q', '-m', 'Add the parser')
  const noted = await git('rev-parse', 'HEAD')
  const note = [
    'parser.ts',
    '  1612649c4bf0b88e 1-3',
    '  h_dca485b1adf836 4',
    '---',
    JSON.stringify({
      schema_version: 'authorship/3.0.0',
      base_commit_sha: noted,
      prompts: {
        '1612649c4bf0b88e': {
          agent_id: { tool: 'cursor', id: 'session-9', model: 'gpt-5' },
          human_author: 'Dev <dev@example.com>',
          accepted_lines: 3,
          overriden_lines: 0,
        },
      },
      humans: { h_dca485b1adf836: { author: 'Dev' } },
    }),
  ].join('\n')
  await git('notes', '--ref=ai', 'add', '-m', note, noted)
  return noted
}

test.group('Bitbucket | Git AI notes from clones', (group) => {
  let bitbucket: FakeBitbucket
  group.setup(async () => {
    bitbucket = await startFakeBitbucket()
    return () => bitbucket.stop()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    bitbucket.state.workspaces = []
    bitbucket.state.repositories.clear()
    bitbucket.resetRequests()
  })

  test('a clone laid out <organisation>/<workspace>/<slug> is read into the synced Bitbucket repository', async ({
    assert,
  }) => {
    seedWorkspace(bitbucket.state, 'acme', 1, 0)
    const organization = await createOrganization()
    const connection = await oauthConnection(bitbucket, organization)
    const [synced] = await new RunSync().execute({
      connection,
      tasks: ['repositories'],
      trigger: 'cli',
    })
    assert.equal(synced.status, 'succeeded', synced.error ?? '')
    const root = await mkdtemp(join(tmpdir(), 'git-ai-bitbucket-'))
    const clone = join(root, organization.publicId, 'acme', 'repo-00')
    await mkdir(clone, { recursive: true })
    const noted = await cloneWithNote(clone)

    const result = await new ImportScheduledGitAiNotes().execute(root)
    assert.deepInclude(result, { repositories: 1, notes: 1 })
    const repository = await db
      .from('repositories')
      .where('full_name', 'acme/repo-00')
      .firstOrFail()
    const composition = (await repositoryComposition(organization.id, repository.id))!
    assert.deepInclude(composition.files[0], { path: 'parser.ts', ai: 3, human: 1 })
    assert.deepEqual(composition.agents, ['cursor / gpt-5'])
    const facts = await db.from('ai_code_facts').where('source', 'git_ai')
    assert.isTrue(facts.every((fact) => fact.commit_sha === noted))
  }).timeout(60_000)
})

import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import db from '@adonisjs/lucid/services/db'
import type Organization from '#models/organization'
import ImportGitAiNotes from '#actions/ai_code/import_git_ai_notes'
import { repositoryComposition } from '#services/ai_code/composition'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createConnection } from '#tests/helpers/connections'

/**
 * Git AI authorship logs (Git AI Standard v3.0.0) read from a clone's
 * refs/notes/ai: a repository built with the real git binary, a note in
 * the v3 format on one commit, none on another.
 */
const run = promisify(execFile)

async function gitRepository() {
  const folder = await mkdtemp(join(tmpdir(), 'git-ai-'))
  const git = (...args: string[]) => run('git', ['-C', folder, ...args])
  await git('init', '-q', '-b', 'main')
  await git('config', 'user.email', 'dev@example.com')
  await git('config', 'user.name', 'Dev')
  const lines = Array.from({ length: 400 }, (_, index) => `line ${index + 1}`).join('\n')
  await writeFile(join(folder, 'engine.ts'), `${lines}\n`)
  await git('add', 'engine.ts')
  await git('commit', '-q', '-m', 'Add the engine')
  const noted = (await git('rev-parse', 'HEAD')).stdout.trim()
  const note = [
    'engine.ts',
    '  1612649c4bf0b88e 1-100,201-220',
    '  h_dca485b1adf836 101-200',
    '---',
    JSON.stringify({
      schema_version: 'authorship/3.0.0',
      git_ai_version: '1.3.2',
      base_commit_sha: noted,
      prompts: {
        '1612649c4bf0b88e': {
          agent_id: { tool: 'claude', id: 'session-1', model: 'claude-opus-4-6' },
          human_author: 'Dev <dev@example.com>',
          messages: [{ type: 'user', text: 'a prompt that must not be stored' }],
          total_additions: 120,
          total_deletions: 0,
          accepted_lines: 120,
          overriden_lines: 0,
        },
      },
      humans: { h_dca485b1adf836: { author: 'Dev' } },
    }),
  ].join('\n')
  await git('notes', '--ref=ai', 'add', '-m', note, noted)
  // a rebased commit without a note
  await writeFile(join(folder, 'fuel.ts'), 'a\nb\n')
  await git('add', 'fuel.ts')
  await git('commit', '-q', '-m', 'Add fuel')
  return { folder, noted }
}

test.group('AI code | Git AI authorship notes', (group) => {
  group.each.setup(resetDatabase())

  test('a note attributing 120 of 400 lines gives 120 AI lines with the agent and model, and a commit without a note stays unknown', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'member' })
    const organization = account.organization as Organization
    const connection = await createConnection(organization)
    const handle = connectionHandle(connection, pluginRegistry.require(connection.pluginId))
    await handle.store.upsertRepositories([
      { externalId: 'r1', name: 'rockets', fullName: 'acme/rockets' },
    ])
    const repository = await db.from('repositories').where('full_name', 'acme/rockets').first()
    const { folder, noted } = await gitRepository()

    const result = await new ImportGitAiNotes().execute({
      organizationId: organization.id,
      repositoryId: repository.id,
      clonePath: folder,
    })
    assert.equal(result.notes, 1)
    const composition = (await repositoryComposition(organization.id, repository.id))!
    assert.lengthOf(composition.files, 1, 'fuel.ts (no note) has no facts: unknown, not human')
    const [file] = composition.files
    assert.deepInclude(file, { path: 'engine.ts', ai: 120, human: 100, blended: 0 })
    assert.equal(Math.round((file.ai / 400) * 100), 30)
    assert.deepEqual(composition.agents, ['claude / claude-opus-4-6'])
    const facts = await db.from('ai_code_facts').where('source', 'git_ai')
    assert.isTrue(facts.every((fact) => fact.commit_sha === noted))
    assert.notInclude(JSON.stringify(facts), 'must not be stored')

    // read again: nothing changes
    await new ImportGitAiNotes().execute({
      organizationId: organization.id,
      repositoryId: repository.id,
      clonePath: folder,
    })
    assert.lengthOf(await db.from('ai_code_facts').where('source', 'git_ai'), facts.length)
  })
})

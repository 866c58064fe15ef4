import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rename, writeFile } from 'node:fs/promises'
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
import { runAce } from '#tests/helpers/processes'
import RunSync from '#actions/sync/run_sync'
import { connectInstallation, startGitHub } from '#plugins/github/tests/testbed'
import type { FakeGitHub } from '#plugins/github/tests/fake_github/server'
import coreSchedules from '#config/schedules'

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

/**
 * The notes rewritten with a fan-out folder (`ab/cdef…`), as git lays
 * them out when a notes tree grows: readers must join the path back.
 */
async function fanOutNotes(folder: string, noted: string) {
  const git = async (args: string[], input?: string) => {
    const child = run('git', ['-C', folder, ...args])
    if (input !== undefined) child.child.stdin!.end(input)
    return (await child).stdout.trim()
  }
  const blob = await git(['rev-parse', `refs/notes/ai:${noted}`])
  const inner = await git(['mktree'], `100644 blob ${blob}\t${noted.slice(2)}\n`)
  const root = await git(['mktree'], `040000 tree ${inner}\t${noted.slice(0, 2)}\n`)
  const commit = await git(['commit-tree', root, '-m', 'Notes fanned out'])
  await git(['update-ref', 'refs/notes/ai', commit])
}

async function organizationWithRockets() {
  const account = await createAccount({ role: 'member' })
  const organization = account.organization as Organization
  return { organization }
}

test.group('AI code | Git AI notes through GitHub and from clones', (group) => {
  const INSTALLATION = 9301
  let github: FakeGitHub
  group.setup(async () => {
    github = await startGitHub()
    github.addInstallation({ id: INSTALLATION, account: { login: 'acme', type: 'Organization' } })
    github.addRepository(INSTALLATION, { name: 'rockets' })
    return () => github.stop()
  })
  group.each.setup(resetDatabase())

  test("GitHub's git data API gives the same facts as the clone: ref, commit, fan-out tree, blob; an unmoved ref is one request", async ({
    assert,
  }) => {
    const { organization } = await organizationWithRockets()
    const { folder, noted } = await gitRepository()
    await fanOutNotes(folder, noted)
    github.setGitDirectory('acme/rockets', folder)
    const connection = await connectInstallation(organization, INSTALLATION)
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
    await db.from('repositories').update({ monitored: true })

    const [outcome] = await new RunSync().execute({
      connection,
      tasks: ['ai_notes'],
      trigger: 'cli',
    })
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
    const repository = await db.from('repositories').where('full_name', 'acme/rockets').first()
    const composition = (await repositoryComposition(organization.id, repository.id))!
    assert.lengthOf(composition.files, 1, 'the commit without a note stays unknown')
    assert.deepInclude(composition.files[0], { path: 'engine.ts', ai: 120, human: 100 })
    assert.deepEqual(composition.agents, ['claude / claude-opus-4-6'])
    const facts = await db.from('ai_code_facts').where('source', 'git_ai')
    assert.isTrue(facts.every((fact) => fact.commit_sha === noted))
    assert.notInclude(JSON.stringify(facts), 'must not be stored')
    const paths = github.requests.map((request) => request.path)
    assert.isTrue(paths.some((path) => path.endsWith('/git/ref/notes/ai')))
    assert.isTrue(paths.some((path) => path.includes('/git/blobs/')))

    // the notes ref has not moved: one request, nothing rewritten
    const before = github.requests.length
    const [again] = await new RunSync().execute({ connection, tasks: ['ai_notes'], trigger: 'cli' })
    assert.equal(again.requests, 1)
    assert.equal(github.requests.length - before, 1)
    assert.lengthOf(await db.from('ai_code_facts').where('source', 'git_ai'), facts.length)
  }).timeout(90_000)

  test('import:git-ai-notes reads a clone into a repository; a folder that is not a clone is one line and exit 1', async ({
    assert,
  }) => {
    const { organization } = await organizationWithRockets()
    const connection = await createConnection(organization)
    const handle = connectionHandle(connection, pluginRegistry.require(connection.pluginId))
    await handle.store.upsertRepositories([
      { externalId: 'r1', name: 'rockets', fullName: 'acme/rockets' },
    ])
    const { folder } = await gitRepository()
    const read = await runAce([
      'import:git-ai-notes',
      folder,
      '--org',
      organization.publicId,
      '--repository',
      'acme/rockets',
    ])
    assert.equal(read.code, 0, read.stderr)
    assert.include(read.stdout, '1 note(s) read into acme/rockets')
    assert.isNotEmpty(await db.from('ai_code_facts').where('source', 'git_ai'))

    const empty = await mkdtemp(join(tmpdir(), 'not-a-clone-'))
    const refused = await runAce([
      'import:git-ai-notes',
      empty,
      '--org',
      organization.publicId,
      '--repository',
      'acme/rockets',
    ])
    assert.equal(refused.code, 1)
    assert.include(`${refused.stdout}${refused.stderr}`, 'is not a git clone; nothing was read')
  }).timeout(90_000)

  test('the schedule reads every clone under GIT_AI_CLONES_PATH/<organisation>/<owner>/<name>', async ({
    assert,
  }) => {
    const { organization } = await organizationWithRockets()
    const connection = await createConnection(organization)
    const handle = connectionHandle(connection, pluginRegistry.require(connection.pluginId))
    await handle.store.upsertRepositories([
      { externalId: 'r1', name: 'rockets', fullName: 'acme/rockets' },
    ])
    const { folder } = await gitRepository()
    const root = await mkdtemp(join(tmpdir(), 'git-ai-clones-'))
    await mkdir(join(root, organization.publicId, 'acme'), { recursive: true })
    await rename(folder, join(root, organization.publicId, 'acme', 'rockets'))
    const schedule = coreSchedules().find((candidate) => candidate.name === 'ai-code:git-notes')!
    const previous = process.env.GIT_AI_CLONES_PATH
    process.env.GIT_AI_CLONES_PATH = root
    try {
      assert.equal(await schedule.run({} as any), '1 note(s) read from 1 clone(s)')
      const gbom = await db.from('ai_code_gboms').first()
      assert.equal(gbom.ai_lines, 120)
      await mkdir(join(root, organization.publicId, 'acme', 'unknown'))
      await assert.rejects(
        () => schedule.run({} as any),
        /acme\/unknown: no such repository in the organisation/
      )
    } finally {
      if (previous === undefined) delete process.env.GIT_AI_CLONES_PATH
      else process.env.GIT_AI_CLONES_PATH = previous
    }
  }).timeout(90_000)
})

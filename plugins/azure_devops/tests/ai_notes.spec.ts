import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { repositoryComposition } from '#services/ai_code/composition'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import type { FakeAzure } from './fake_azure/server.js'
import { gitAiRepository } from './git_ai_repository.js'
import { connectAzure, startAzure } from './testbed.js'

/**
 * Git AI authorship notes (refs/notes/ai) read through the Azure Repos
 * Git REST API (refs → commit → tree → blobs) of a fake organisation
 * whose repository is a real git repository built by the test.
 */
test.group('Azure DevOps | Git AI notes', (group) => {
  let azure: FakeAzure
  group.setup(async () => {
    azure = await startAzure()
    return () => azure.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => azure.reset())

  async function syncedRepository() {
    const project = azure.addProject('Rockets')
    const repository = azure.addRepository(project, 'engine')
    const organization = await createOrganization()
    const connection = await connectAzure(organization, azure)
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
    await db.from('repositories').update({ monitored: true })
    const stored = await db.from('repositories').where('full_name', 'Rockets/engine').firstOrFail()
    return { organization, connection, repository, stored }
  }

  async function readNotes(connection: Awaited<ReturnType<typeof syncedRepository>>['connection']) {
    const [run] = await new RunSync().execute({ connection, tasks: ['ai_notes'], trigger: 'cli' })
    if (run.status !== 'succeeded') throw new Error(run.error ?? run.status)
    return run
  }

  const blobReads = () =>
    azure.requests.filter((request) => /\/blobs\/[0-9a-f]{40}$/.test(request.path))

  test('the notes ref, its commit, the fan-out tree and each blob give the facts a clone gives; an unmoved ref is one request', async ({
    assert,
  }) => {
    const { organization, connection, repository, stored } = await syncedRepository()
    const git = await gitAiRepository()
    await git.fanOut()
    azure.setGitDirectory(repository, git.folder)
    azure.requests.length = 0

    await readNotes(connection)
    const composition = (await repositoryComposition(organization.id, stored.id))!
    assert.lengthOf(composition.files, 1, 'the commit without a note stays unknown, not human')
    assert.deepInclude(composition.files[0], { path: 'engine.ts', ai: 120, human: 100, blended: 0 })
    assert.deepEqual(composition.agents, ['claude / claude-opus-4-6'])
    const facts = await db.from('ai_code_facts').where('source', 'git_ai')
    assert.isTrue(facts.every((fact) => fact.commit_sha === git.noted))
    assert.notInclude(JSON.stringify(facts), 'must not be stored')
    // Refs - List, Commits - Get, Trees - Get (recursive), one Blobs - Get as text
    assert.deepEqual(
      azure.requests.map((request) =>
        request.path.replace(/^.*\/repositories\/[^/]+/, '').replace(/[0-9a-f]{40}/, '{sha}')
      ),
      ['/refs', '/commits/{sha}', '/trees/{sha}', '/blobs/{sha}']
    )
    assert.equal(azure.requests[0].query.get('filter'), 'notes/ai')
    assert.equal(azure.requests[2].query.get('recursive'), 'true')
    assert.lengthOf(blobReads(), 1)
    assert.equal(blobReads()[0].query.get('$format'), 'text')

    // the notes ref has not moved: one request, nothing rewritten
    azure.requests.length = 0
    const again = await readNotes(connection)
    assert.equal(again.requests, 1)
    assert.lengthOf(azure.requests, 1)
    assert.lengthOf(await db.from('ai_code_facts').where('source', 'git_ai'), facts.length)
  }).timeout(60_000)

  test('a moved notes ref reads only the new note: the previous tree says which blobs were read', async ({
    assert,
  }) => {
    const { organization, connection, repository, stored } = await syncedRepository()
    const git = await gitAiRepository()
    azure.setGitDirectory(repository, git.folder)
    await readNotes(connection)
    const next = await git.noteNext()

    azure.requests.length = 0
    await readNotes(connection)
    assert.lengthOf(blobReads(), 1, 'the unchanged note of the first commit is not read again')
    const composition = (await repositoryComposition(organization.id, stored.id))!
    assert.deepEqual(
      composition.files.map((file) => [file.path, file.ai, file.human]),
      [
        ['engine.ts', 120, 100],
        ['valve.ts', 2, 1],
      ]
    )
    const noted = await db.from('ai_code_facts').where('source', 'git_ai').distinct('commit_sha')
    assert.sameMembers(
      noted.map((row) => row.commit_sha),
      [git.noted, next]
    )
  }).timeout(60_000)

  test('a repository without refs/notes/ai costs one request and writes nothing', async ({
    assert,
  }) => {
    const { connection } = await syncedRepository()
    azure.requests.length = 0
    const run = await readNotes(connection)
    assert.equal(run.requests, 1)
    assert.match(azure.requests[0].path, /\/refs$/)
    assert.lengthOf(await db.from('ai_code_facts'), 0)
  })
})

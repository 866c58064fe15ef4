import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#tests/helpers/env'
import { createOrganization } from '#tests/helpers/factories'
import type { FakeGitHub } from './fake_github/server.js'
import { connectInstallation, startGitHub } from './testbed.js'

const isPullList = (path: string) => /^\/repos\/[^/]+\/[^/]+\/pulls(\?|$)/.test(path)

test.group('GitHub sync', (group) => {
  let github: FakeGitHub
  let installation = 8000
  group.setup(async () => {
    github = await startGitHub()
    return () => github.stop()
  })
  group.each.setup(resetDatabase())

  async function seeded(repositories: number, pulls: number, options = {}) {
    const id = ++installation
    github.addInstallation({ id, account: { login: `org${id}`, type: 'Organization' } })
    github.seedOrganization(id, repositories, pulls, options)
    const connection = await connectInstallation(await createOrganization(), id)
    return { id, connection }
  }

  test('50 repositories × 200 pull requests: two list pages per repository, then 304 for every list on re-sync', async ({
    assert,
  }) => {
    const { connection } = await seeded(50, 200)
    const restoreEnv = withEnv({ GITHUB_PR_DETAIL_DAYS: '0' })
    try {
      await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
      github.resetRequests()
      const [first] = await new RunSync().execute({
        connection,
        tasks: ['pull_requests'],
        trigger: 'cli',
      })
      assert.equal(first.status, 'succeeded', first.error ?? '')
      const lists = github.requests.filter((request) => isPullList(request.path))
      assert.lengthOf(lists, 50 * 2)
      const [{ total }] = await db.from('pull_requests').count('* as total')
      assert.equal(Number(total), 50 * 200)

      github.resetRequests()
      const [again] = await new RunSync().execute({
        connection,
        tasks: ['pull_requests'],
        trigger: 'cli',
      })
      assert.equal(again.status, 'succeeded', again.error ?? '')
      const repeated = github.requests.filter((request) => isPullList(request.path))
      assert.lengthOf(repeated, 50)
      assert.isTrue(repeated.every((request) => request.status === 304))
      assert.equal(again.notModified, 50)
    } finally {
      restoreEnv()
    }
  }).timeout(180_000)

  test('a pull request updated on GitHub is updated locally by the next incremental sync, with its reviews', async ({
    assert,
  }) => {
    const { connection, id } = await seeded(2, 30)
    await new RunSync().execute({
      connection,
      tasks: ['repositories', 'pull_requests'],
      trigger: 'cli',
    })
    const repository = [...github.state.repositories.values()].find(
      (candidate) => candidate.installationId === id
    )!
    github.updatePullRequest(repository.fullName, 3, {
      title: 'Renamed on GitHub',
      state: 'closed',
      merged: true,
    })
    github.resetRequests()
    const [outcome] = await new RunSync().execute({
      connection,
      tasks: ['pull_requests'],
      trigger: 'cli',
    })
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
    const pull = repository.pullRequests.find((candidate) => candidate.number === 3)!
    const stored = await db
      .from('pull_requests')
      .where('external_id', String(pull.id))
      .firstOrFail()
    assert.equal(stored.title, 'Renamed on GitHub')
    assert.equal(stored.state, 'merged')
    assert.isNotNull(stored.merged_at)
    // Only the changed pull request was read in detail.
    const details = github.requests.filter((request) =>
      /\/pulls\/\d+$/.test(request.path.split('?')[0])
    )
    assert.lengthOf(details, 1)
  })

  test('the installation token is minted once and reused across runs', async ({ assert }) => {
    const { connection } = await seeded(3, 5)
    const before = github.tokensIssued
    await new RunSync().execute({
      connection,
      tasks: ['repositories', 'pull_requests'],
      trigger: 'cli',
    })
    await new RunSync().execute({ connection, tasks: ['pull_requests', 'commits'], trigger: 'cli' })
    assert.equal(github.tokensIssued, before + 1)
  })

  test('commits on the default branch are stored with their AI-assistance trailers', async ({
    assert,
  }) => {
    const { connection } = await seeded(2, 2, { commitsPerRepository: 40 })
    await new RunSync().execute({ connection, tasks: ['repositories', 'commits'], trigger: 'cli' })
    const commits = await db.from('commits').select('ai_assisted', 'message')
    assert.isAbove(commits.length, 0)
    const assisted = commits.filter((commit) => Boolean(commit.ai_assisted))
    assert.isAbove(assisted.length, 0)
    assert.isTrue(assisted.every((commit) => /Co-authored-by:/i.test(commit.message)))
    const contributors = await db.from('contributors').count('* as total')
    assert.isAbove(Number(contributors[0].total), 0)
  })

  test('releases, deployments and workflow runs are stored for DORA', async ({ assert }) => {
    const { connection } = await seeded(2, 2, {
      releasesPerRepository: 3,
      deploymentsPerRepository: 4,
      workflowRunsPerRepository: 5,
    })
    const outcomes = await new RunSync().execute({
      connection,
      tasks: ['repositories', 'delivery'],
      trigger: 'cli',
    })
    assert.isTrue(
      outcomes.every((outcome) => outcome.status === 'succeeded'),
      JSON.stringify(outcomes)
    )
    const kinds = await db.from('deployments').select('kind').count('* as total').groupBy('kind')
    const byKind = Object.fromEntries(kinds.map((row) => [row.kind, Number(row.total)]))
    assert.isAtLeast(byKind.release ?? 0, 1)
    assert.equal(byKind.deployment, 8)
    const onDefaultBranches = [...github.state.repositories.values()]
      .filter((repository) => repository.installationId === installation)
      .flatMap((repository) =>
        repository.workflowRuns.filter((run) => run.headBranch === repository.defaultBranch)
      )
    assert.isAbove(onDefaultBranches.length, 0)
    assert.equal(byKind.build, onDefaultBranches.length)
  })

  test('fetch:data leaves snapshot downloads to download:repositories', async ({ assert }) => {
    const { connection } = await seeded(1, 1)
    const outcomes = await new RunSync().execute({ connection, trigger: 'cli' })
    assert.deepEqual(
      outcomes.map((outcome) => outcome.task),
      ['repositories', 'pull_requests', 'commits', 'delivery']
    )
  })
})

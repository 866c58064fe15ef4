import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#plugin-sdk/testing'
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

  /** the installation's repositories as fake GitHub holds them */
  function repositoriesOf(installationId: number) {
    return [...github.state.repositories.values()].filter(
      (repository) => repository.installationId === installationId
    )
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
      // Nothing but the lists: no detail reads outside the window, no token re-mint.
      assert.lengthOf(github.requests, 50 * 2)
      assert.equal(first.requests, 50 * 2, 'the run counts what it sent')
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
      assert.lengthOf(github.requests, 50)
      assert.equal(again.requests, 50)
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
    const { connection, id } = await seeded(2, 2, { commitsPerRepository: 40 })
    await new RunSync().execute({ connection, tasks: ['repositories', 'commits'], trigger: 'cli' })
    const upstream = repositoriesOf(id).flatMap((repository) => repository.commits)
    const commits = await db.from('commits').select('sha', 'ai_assisted', 'message')
    assert.sameMembers(
      commits.map((commit) => commit.sha),
      upstream.map((commit) => commit.sha)
    )
    const assisted = commits.filter((commit) => Boolean(commit.ai_assisted))
    const expectedAssisted = upstream.filter((commit) => /Co-authored-by:/i.test(commit.message))
    assert.isNotEmpty(expectedAssisted, 'the seed has assisted commits')
    assert.sameMembers(
      assisted.map((commit) => commit.sha),
      expectedAssisted.map((commit) => commit.sha)
    )
    const logins = new Set(upstream.map((commit) => commit.authorLogin).filter(Boolean))
    const contributors = await db.from('contributors').select('login')
    assert.sameMembers(
      contributors.map((contributor) => contributor.login),
      [...logins]
    )
  })

  test('commits keep their parents, for lead time per commit', async ({ assert }) => {
    const { connection, id } = await seeded(1, 1, { commitsPerRepository: 10 })
    await new RunSync().execute({ connection, tasks: ['repositories', 'commits'], trigger: 'cli' })
    const upstream = repositoriesOf(id).flatMap((repository) => repository.commits)
    const stored = await db.from('commits').select('sha', 'parent_shas')
    assert.lengthOf(stored, upstream.length)
    for (const commit of stored) {
      const expected = upstream.find((one) => one.sha === commit.sha)!
      assert.deepEqual(JSON.parse(commit.parent_shas), expected.parents)
    }
    assert.isTrue(upstream.some((commit) => commit.parents.length > 0))
  })

  test('releases, deployments and workflow runs are stored for DORA', async ({ assert }) => {
    const { connection } = await seeded(2, 2, {
      releasesPerRepository: 3,
      deploymentsPerRepository: 4,
      workflowRunsPerRepository: 5,
    })
    // A draft is not a release yet: one of them must stay out.
    const draft = repositoriesOf(installation)[0].releases.at(-1)!
    draft.draft = true
    draft.publishedAt = null
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
    const published = repositoriesOf(installation).flatMap((repository) =>
      repository.releases.filter((release) => !release.draft)
    )
    assert.isNotEmpty(published)
    assert.equal(byKind.release, published.length, 'every published release, no draft')
    assert.equal(byKind.deployment, 8)
    const onDefaultBranches = repositoriesOf(installation).flatMap((repository) =>
      repository.workflowRuns.filter((run) => run.headBranch === repository.defaultBranch)
    )
    assert.isNotEmpty(onDefaultBranches, 'the seed has runs on default branches')
    assert.equal(byKind.build, onDefaultBranches.length)
  })

  test('fetch:data leaves snapshot downloads to download:repositories', async ({ assert }) => {
    const { connection } = await seeded(1, 1)
    const outcomes = await new RunSync().execute({ connection, trigger: 'cli' })
    assert.deepEqual(
      outcomes.map((outcome) => outcome.task),
      ['repositories', 'pull_requests', 'commits', 'ai_notes', 'delivery', 'teams']
    )
  })
})

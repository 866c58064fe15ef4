import { test } from '@japa/runner'
import { fakeConnection, fakeSyncContext } from '#plugin-sdk/testing'
import plugin from '../plugin.js'
import { syncRepositories } from '../sync/repositories.js'
import { syncPullRequests } from '../sync/pull_requests.js'
import { DIFFS_PER_WRITE, syncCommits } from '../sync/commits.js'
import type { FakeGitHub } from './fake_github/server.js'
import { startGitHub, withEnv } from './testbed.js'

/**
 * What a sync hands the domain store, read with the plugin test kit: the
 * plugin's own sync code, the SDK's HTTP client and fake GitHub on
 * loopback, no database (the platform's side, upserts and counts, is
 * in sync.spec.ts).
 */
test.group('GitHub sync | what it writes', (group) => {
  let github: FakeGitHub
  let installation = 8700
  group.setup(async () => {
    github = await startGitHub()
    return () => github.stop()
  })

  /** an installation fake GitHub holds, and a kit connection to it holding a minted token */
  function installationConnection(repositories: number, pulls: number) {
    const id = ++installation
    github.addInstallation({ id, account: { login: `org${id}`, type: 'Organization' } })
    github.seedOrganization(id, repositories, pulls)
    return fakeConnection({
      plugin,
      baseUrl: github.url,
      accountKey: String(id),
      credentials: { accessToken: github.mintInstallationToken(id) },
      config: { installationId: id, accountLogin: `org${id}`, repositorySelection: 'all' },
    })
  }

  test("the installation's repositories are written with their full names and clone URLs", async ({
    assert,
  }) => {
    const connection = installationConnection(3, 0)

    await syncRepositories(await fakeSyncContext(connection))

    const written = connection.store.written.repositories
    assert.lengthOf(written, 3)
    const names = written.map((repository) => repository.fullName).sort()
    assert.deepEqual(names, [
      `org${installation}/repo-00`,
      `org${installation}/repo-01`,
      `org${installation}/repo-02`,
    ])
    for (const repository of written) {
      assert.equal(repository.cloneUrl, `${github.url}/${repository.fullName}.git`)
    }
  })

  test('a repository removed from the installation is detached on the next sync', async ({
    assert,
  }) => {
    const connection = installationConnection(2, 0)
    await syncRepositories(await fakeSyncContext(connection))
    const [kept, removed] = await connection.store.repositories()
    github.state.repositories.delete(removed.fullName.toLowerCase())

    await syncRepositories(await fakeSyncContext(connection))

    const left = await connection.store.repositories()
    assert.deepEqual(
      left.map((repository) => repository.externalId),
      [kept.externalId]
    )
  })

  test('pull requests are written for each monitored repository, each under its repository', async ({
    assert,
  }) => {
    const connection = installationConnection(2, 4)
    await syncRepositories(await fakeSyncContext(connection))
    const repositories = await connection.store.repositories()
    await connection.store.setMonitored(
      repositories.map((repository) => repository.externalId),
      true
    )

    const restore = withEnv({ GITHUB_PR_DETAIL_DAYS: '0' })
    try {
      await syncPullRequests(await fakeSyncContext(connection))
    } finally {
      restore()
    }

    const pulls = connection.store.written.pullRequests
    assert.lengthOf(pulls, 2 * 4)
    for (const repository of repositories) {
      const own = pulls.filter((pull) => pull.repositoryExternalId === repository.externalId)
      assert.lengthOf(own, 4, repository.fullName)
    }
  })

  test('every signalled commit of a page has its added lines read, written in groups of DIFFS_PER_WRITE', async ({
    assert,
  }) => {
    const connection = installationConnection(1, 0)
    await syncRepositories(await fakeSyncContext(connection))
    const [repository] = await connection.store.repositories()
    await connection.store.setMonitored([repository.externalId], true)
    // 120 commits by Copilot's coding agent: more than two groups, and
    // more than one page of 100
    const shas = Array.from({ length: 120 }, (_, i) =>
      github.addCommit(repository.fullName, {
        message: `Step ${i}`,
        authorLogin: 'copilot-swe-agent[bot]',
        files: [
          { filename: `src/step_${i}.ts`, status: 'added', patch: '@@ -0,0 +1,2 @@\n+a\n+b' },
        ],
      })
    )
    connection.store.writes.length = 0

    await syncCommits(await fakeSyncContext(connection))

    const written = new Map(connection.store.written.commits.map((commit) => [commit.sha, commit]))
    for (const [i, sha] of shas.entries()) {
      assert.deepEqual(
        written.get(sha)?.addedLines,
        [{ path: `src/step_${i}.ts`, ranges: [[1, 2]] }],
        `commit ${i}`
      )
    }
    const upserts = connection.store.writes.filter((write) => write.kind === 'commits')
    assert.isAbove(upserts.length, 2)
    for (const upsert of upserts) {
      assert.isAtMost(
        upsert.rows.filter((row) => (row as { addedLines?: unknown }).addedLines).length,
        DIFFS_PER_WRITE
      )
    }
  }).timeout(60_000)
})

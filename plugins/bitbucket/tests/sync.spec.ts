import { test } from '@japa/runner'
import type { TestContext } from '@japa/runner/core'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { commitLeadTimes } from '#services/insights/commit_lead_times'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#plugin-sdk/testing'
import { createOrganization } from '#tests/helpers/factories'
import { seedWorkspace, touchPullRequest } from './fake_bitbucket/seed.js'
import { startFakeBitbucket, type FakeBitbucket } from './fake_bitbucket/server.js'
import { oauthConnection } from './testbed.js'

const isPullList = (path: string) =>
  /^\/2\.0\/repositories\/[^/]+\/[^/]+\/pullrequests\?/.test(path)

/**
 * `fetch:data bitbucket` (RunSync, which the command, the schedules and
 * Sync now share) against fake Bitbucket's REST API 2.0.
 */
test.group('Bitbucket | sync', (group) => {
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

  async function connected(repositories: number, pulls: number) {
    seedWorkspace(bitbucket.state, 'acme', repositories, pulls)
    const connection = await oauthConnection(bitbucket, await createOrganization())
    return connection
  }

  async function sync(connection: Awaited<ReturnType<typeof connected>>, tasks: string[]) {
    const runs = await new RunSync().execute({ connection, tasks, trigger: 'cli' })
    for (const run of runs) if (run.status !== 'succeeded') throw new Error(run.error ?? run.status)
    return runs
  }

  test('repositories: identity by clone URL and full name, the main branch, private', async ({
    assert,
  }) => {
    const connection = await connected(2, 0)
    await sync(connection, ['repositories'])
    const rows = await db.from('repositories').orderBy('full_name')
    assert.deepEqual(
      rows.map((row) => [
        row.full_name,
        row.canonical_key,
        row.default_branch,
        Boolean(row.is_private),
      ]),
      [
        ['acme/repo-00', 'bitbucket.org/acme/repo-00', 'main', true],
        ['acme/repo-01', 'bitbucket.org/acme/repo-01', 'main', true],
      ]
    )
    assert.equal(rows[0].external_id, bitbucket.state.repositories.get('acme/repo-00')!.uuid)
  })

  test('30 repositories × 200 pull requests: four pages each; the next sync fetches only the 2 changed', async ({
    assert,
    cleanup,
  }) => {
    cleanup(withEnv({ BITBUCKET_PR_DETAIL_DAYS: '0' }))
    const connection = await connected(30, 200)
    await sync(connection, ['repositories'])
    bitbucket.resetRequests()

    const [first] = await sync(connection, ['pull_requests'])
    const lists = bitbucket.state.requests.filter((r) => isPullList(r.path))
    // 200 pull requests in pages of 50, the most Bitbucket serves: the minimum
    assert.lengthOf(lists, 30 * 4)
    assert.lengthOf(bitbucket.state.requests, 30 * 4)
    assert.equal(first.requests, 30 * 4)
    const [{ total }] = await db.from('pull_requests').count('* as total')
    assert.equal(Number(total), 30 * 200)
    // every state, newest update first, with the participants the list leaves out by default
    const firstList = new URL(lists[0].path, bitbucket.url)
    assert.deepEqual(firstList.searchParams.getAll('state'), [
      'OPEN',
      'MERGED',
      'DECLINED',
      'SUPERSEDED',
    ])
    assert.equal(firstList.searchParams.get('sort'), '-updated_on')
    assert.equal(firstList.searchParams.get('fields'), '+values.participants')

    touchPullRequest(bitbucket.state, 'acme/repo-03', 17, 'Renamed on Bitbucket')
    touchPullRequest(bitbucket.state, 'acme/repo-21', 5, 'Also renamed')
    bitbucket.resetRequests()
    const [again] = await sync(connection, ['pull_requests'])
    assert.lengthOf(bitbucket.state.requests, 30, 'one request per repository')
    assert.equal(again.requests, 30)
    assert.isTrue(
      bitbucket.state.requests.every((r) =>
        new URL(r.path, bitbucket.url).searchParams.get('q')?.startsWith('updated_on > ')
      )
    )
    const renamed = await db
      .from('pull_requests')
      .where('title', 'like', '%enamed%')
      .orderBy('title')
    assert.deepEqual(
      renamed.map((row) => [row.number, row.title]),
      [
        [5, 'Also renamed'],
        [17, 'Renamed on Bitbucket'],
      ]
    )
  }).timeout(180_000)

  test('a pull request: state, author, approvals, first review and merge time from its activity, size from its diffstat', async ({
    assert,
    cleanup,
  }) => {
    cleanup(withEnv({ BITBUCKET_PR_DETAIL_DAYS: '3650' }))
    const connection = await connected(1, 3)
    await sync(connection, ['repositories', 'pull_requests'])
    const pull = bitbucket.state.repositories
      .get('acme/repo-00')!
      .pullRequests.find((p) => p.id === 3)!
    assert.equal(pull.state, 'MERGED')
    const row = await db.from('pull_requests').where('number', 3).firstOrFail()
    assert.equal(row.state, 'merged')
    assert.equal(row.author_login, 'alice')
    assert.equal(row.head_ref, 'feature/3')
    assert.equal(new Date(row.merged_at).toISOString(), new Date(pull.updated_on).toISOString())
    // bob commented half an hour after it opened, then approved
    assert.equal(new Date(row.first_review_at).getTime(), Date.parse(pull.created_on) + 1800_000)
    assert.equal(new Date(row.approved_at).getTime(), Date.parse(pull.updated_on) - 2 * 3600_000)
    assert.equal(row.additions, 18)
    assert.equal(row.deletions, 2)
    assert.equal(row.changed_files, 2)
    const declined = await db.from('pull_requests').where('number', 2).firstOrFail()
    assert.equal(declined.state, 'closed')
    assert.isNull(declined.merged_at)
    const people = await db.from('contributors').orderBy('login').select('login')
    assert.deepEqual(
      people.map((p) => p.login),
      ['alice', 'bob']
    )
  })

  test("a pull request's commits are listed on it and stored with their AI marks", async ({
    assert,
    cleanup,
  }) => {
    cleanup(withEnv({ BITBUCKET_PR_DETAIL_DAYS: '3650' }))
    const connection = await connected(1, 1)
    await sync(connection, ['repositories', 'pull_requests'])
    const pull = bitbucket.state.repositories.get('acme/repo-00')!.pullRequests[0]
    assert.equal(pull.state, 'OPEN')
    const row = await db.from('pull_requests').where('number', 1).firstOrFail()
    const expected = pull.commits!.map((commit) => commit.hash)
    assert.deepEqual(JSON.parse(row.commit_shas), expected)
    assert.equal(row.commits_count, 2)
    const commits = await db.from('commits').whereIn('sha', expected).orderBy('sha')
    assert.lengthOf(commits, 2)
    assert.deepEqual(
      commits.filter((commit) => commit.ai_assisted).map((commit) => commit.sha),
      [pull.commits![1].hash]
    )
    assert.isTrue(
      bitbucket.state.requests.some((request) =>
        request.path.startsWith('/2.0/repositories/acme/repo-00/pullrequests/1/commits')
      )
    )
  })

  const CLAUDE_MARKER = '🤖 Generated with [Claude Code](https://claude.com/claude-code)'

  /** one repository with one pull request, inside the window whose pull requests are read in detail */
  async function onePullRequestReadInDetail(cleanup: TestContext['cleanup']) {
    cleanup(withEnv({ BITBUCKET_PR_DETAIL_DAYS: '3650' }))
    const connection = await connected(1, 1)
    const pull = bitbucket.state.repositories.get('acme/repo-00')!.pullRequests[0]
    return { connection, pull }
  }

  test("a pull request whose description carries an agent's marker: every commit's added lines are AI, the marker their evidence", async ({
    assert,
    cleanup,
  }) => {
    const { connection, pull } = await onePullRequestReadInDetail(cleanup)
    // the Markdown as written (summary.raw); the plain field stays empty
    pull.summary.raw = `Adds the parser.\n\n${CLAUDE_MARKER}`
    pull.description = ''
    const head = pull.commits![0]
    head.diff = [
      'diff --git a/src/parser.ts b/src/parser.ts',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/src/parser.ts',
      '@@ -0,0 +1,2 @@',
      '+export const parse = () => 1',
      '+export const lex = () => 2',
      '',
    ].join('\n')
    await sync(connection, ['repositories', 'pull_requests'])

    const row = await db.from('pull_requests').where('number', 1).firstOrFail()
    assert.equal(row.ai_marker, CLAUDE_MARKER)
    // the head commit has no signal of its own: only the pull request's marker
    const facts = await db.from('ai_code_facts').where('commit_sha', head.hash)
    assert.deepEqual(
      facts.map((fact) => [fact.path, fact.start_line, fact.end_line, fact.origin, fact.agent]),
      [['src/parser.ts', 1, 2, 'ai', 'claude']]
    )
    assert.equal(facts[0].evidence, `pull request #1: ${CLAUDE_MARKER}`)
  })

  test('a pull request without a marker in its description: its commits without a signal of their own get no fact and no diff read', async ({
    assert,
    cleanup,
  }) => {
    const { connection, pull } = await onePullRequestReadInDetail(cleanup)
    const head = pull.commits![0]
    await sync(connection, ['repositories', 'pull_requests'])

    const row = await db.from('pull_requests').where('number', 1).firstOrFail()
    assert.isNull(row.ai_marker)
    assert.lengthOf(await db.from('ai_code_facts').where('commit_sha', head.hash), 0)
    assert.isFalse(
      bitbucket.state.requests.some((request) => request.path.endsWith(`/diff/${head.hash}`))
    )
    // the trailer-signalled commit still gets its facts, with its trailer alone
    const drafted = await db.from('ai_code_facts').where('commit_sha', pull.commits![1].hash)
    assert.isAbove(drafted.length, 0)
    assert.equal(drafted[0].evidence, 'Co-authored-by: Claude <noreply@anthropic.com>')
  })

  test('commits on the main branch with their trailers; the next run stops at the newest one seen', async ({
    assert,
  }) => {
    const connection = await connected(1, 0)
    await sync(connection, ['repositories', 'commits'])
    const rows = await db.from('commits').orderBy('authored_at', 'desc')
    assert.lengthOf(rows, 3)
    assert.equal(rows[0].author_email, 'alice@example.com')
    assert.isTrue(Boolean(rows[0].ai_assisted))
    assert.isFalse(Boolean(rows[1].ai_assisted))

    bitbucket.resetRequests()
    await sync(connection, ['commits'])
    assert.lengthOf(bitbucket.state.requests, 1)
  })

  test('a commit whose trailer marks AI assistance has the lines its diff adds counted as AI, with the trailer as evidence', async ({
    assert,
  }) => {
    const connection = await connected(1, 0)
    const [claude, human] = bitbucket.state.repositories.get('acme/repo-00')!.commits
    claude.diff = [
      'diff --git a/src/parser.ts b/src/parser.ts',
      'new file mode 100644',
      'index 0000000..1111111',
      '--- /dev/null',
      '+++ b/src/parser.ts',
      '@@ -0,0 +1,3 @@',
      '+export function parse() {',
      '+  return 1',
      '+}',
      'diff --git a/src/lexer.ts b/src/lexer.ts',
      'index 2222222..3333333 100644',
      '--- a/src/lexer.ts',
      '+++ b/src/lexer.ts',
      '@@ -10,3 +10,4 @@ export function lex() {',
      '   const a = 1',
      '-  const b = 2',
      '+  const b = 3',
      '+  const c = 4',
      '   return a',
      'diff --git a/src/old.ts b/src/old.ts',
      'deleted file mode 100644',
      '--- a/src/old.ts',
      '+++ /dev/null',
      '@@ -1,1 +0,0 @@',
      '-gone',
      '',
    ].join('\n')
    await sync(connection, ['repositories', 'commits'])

    const facts = await db
      .from('ai_code_facts')
      .where('commit_sha', claude.hash)
      .orderBy('path')
      .orderBy('start_line')
    assert.deepEqual(
      facts.map((fact) => [fact.path, fact.start_line, fact.end_line, fact.origin, fact.agent]),
      [
        ['src/lexer.ts', 11, 12, 'ai', 'claude'],
        ['src/parser.ts', 1, 3, 'ai', 'claude'],
      ]
    )
    assert.equal(facts[0].evidence, 'Co-authored-by: Claude <noreply@anthropic.com>')
    const diffs = bitbucket.state.requests.filter((request) => request.path.includes('/diff/'))
    assert.deepEqual(
      diffs.map((request) => request.path),
      [`/2.0/repositories/acme/repo-00/diff/${claude.hash}`],
      'a commit without a signal has no diff read'
    )
    assert.lengthOf(await db.from('ai_code_facts').where('commit_sha', human.hash), 0)
    const gbom = await db.from('ai_code_gbom_files').where('path', 'src/parser.ts').first()
    assert.exists(gbom, 'the GBOM was rebuilt with the signalled file')
  })

  test('commits keep their parents, so lead time is per commit: each from its commit to the production deployment whose SHA reaches it', async ({
    assert,
  }) => {
    const connection = await connected(1, 1)
    await sync(connection, ['repositories', 'commits', 'deployments'])
    const repository = bitbucket.state.repositories.get('acme/repo-00')!
    const [newest, middle, root] = repository.commits
    const stored = await db.from('commits').whereIn('sha', [newest.hash, middle.hash, root.hash])
    const parentsOf = (hash: string) =>
      JSON.parse(stored.find((row) => row.sha === hash).parent_shas)
    assert.deepEqual(parentsOf(newest.hash), [middle.hash])
    assert.deepEqual(parentsOf(middle.hash), [root.hash])
    assert.deepEqual(parentsOf(root.hash), [], 'a root commit: known to have no parent')

    // the Production deployment (of the newest commit) started 200 s before
    // the newest commit's date, 3,400 s after the middle one's, 7,000 s after the root's
    const organizationId = Number(stored[0].organization_id)
    const times = await commitLeadTimes(db.connection(), organizationId, '2030-01-01T00:00:00Z')
    assert.deepEqual(
      times
        .map((time) => [time.sha, time.deployedSha, time.seconds])
        .sort((a, b) => Number(a[2]) - Number(b[2])),
      [
        [newest.hash, newest.hash, 0],
        [middle.hash, newest.hash, 3_400],
        [root.hash, newest.hash, 7_000],
      ]
    )
  })

  test('Pipelines runs become CI builds of their commits', async ({ assert }) => {
    const connection = await connected(1, 0)
    await sync(connection, ['repositories', 'pipelines'])
    const rows = await db.from('deployments').orderBy('started_at', 'desc')
    assert.deepEqual(
      rows.map((row) => [row.kind, row.status, row.environment]),
      [
        ['build', 'success', 'main'],
        ['build', 'failure', 'main'],
      ]
    )
    assert.equal(rows[0].sha, bitbucket.state.repositories.get('acme/repo-00')!.commits[0].hash)
    assert.match(rows[0].url, /\/acme\/repo-00\/pipelines\/results\/7$/)
  })

  test('deployments to environments, named by the environments list; undeployed releases skipped', async ({
    assert,
  }) => {
    const connection = await connected(1, 0)
    await sync(connection, ['repositories', 'deployments'])
    const rows = await db.from('deployments').orderBy('started_at', 'desc')
    assert.deepEqual(
      rows.map((row) => [row.kind, row.environment, row.status]),
      [
        ['deployment', 'Production', 'success'],
        ['deployment', 'Staging', 'failure'],
      ]
    )
    const repository = bitbucket.state.repositories.get('acme/repo-00')!
    assert.equal(rows[0].sha, repository.commits[0].hash)
    assert.isNotNull(rows[0].finished_at)

    // the next run reads one page and writes nothing new
    bitbucket.resetRequests()
    await sync(connection, ['deployments'])
    assert.lengthOf(bitbucket.state.requests, 2)
    const [{ total }] = await db.from('deployments').count('* as total')
    assert.equal(Number(total), 2)
  })

  test('a 429 is waited out and the sync completes', async ({ assert }) => {
    const connection = await connected(1, 2)
    bitbucket.state.rateLimitOnce = 1
    await sync(connection, ['repositories'])
    assert.deepEqual(
      bitbucket.state.requests.map((r) => r.status),
      [429, 200]
    )
    const [{ total }] = await db.from('repositories').count('* as total')
    assert.equal(Number(total), 1)
  })
})

import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import SyncPluginConnections from '#actions/sync/sync_plugin_connections'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { runAce } from '#tests/helpers/processes'
import type { FakeAzure } from './fake_azure/server.js'
import { addedFile, connectAzure, startAzure } from './testbed.js'

const isPullList = (path: string) => /\/_apis\/git\/repositories\/[^/]+\/pullrequests$/i.test(path)

async function count(table: string) {
  const [{ total }] = await db.from(table).count('* as total')
  return Number(total)
}

test.group('Azure DevOps | sync', (group) => {
  let azure: FakeAzure
  group.setup(async () => {
    azure = await startAzure()
    return () => azure.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => azure.reset())

  async function connected() {
    return connectAzure(await createOrganization(), azure)
  }

  test("repositories: every project's, named by their clone URL so other providers resolve them", async ({
    assert,
  }) => {
    const rockets = azure.addProject('Rockets')
    azure.addRepository(rockets, 'engine')
    azure.addRepository(azure.addProject('Ground'), 'radar')
    const connection = await connected()
    const [run] = await new RunSync().execute({
      connection,
      tasks: ['repositories'],
      trigger: 'cli',
    })
    assert.equal(run.status, 'succeeded', run.error ?? '')
    const rows = await db.from('repositories').orderBy('full_name')
    assert.deepEqual(
      rows.map((row) => row.full_name),
      ['Ground/radar', 'Rockets/engine']
    )
    assert.equal(rows[1].default_branch, 'main')
    assert.equal(rows[1].canonical_key, 'dev.azure.com/acme/rockets/engine')
    assert.equal(azure.count(/\/_apis\/git\/repositories$/i), 1)

    const [again] = await new RunSync().execute({
      connection,
      tasks: ['repositories'],
      trigger: 'cli',
    })
    assert.equal(again.itemsWritten, 0)
  })

  test('20 repositories × 200 pull requests: the fewest $top/$skip pages, then nothing written on a re-sync', async ({
    assert,
  }) => {
    azure.seed(20, 200)
    const connection = await connected()
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
    azure.requests.length = 0
    const started = performance.now()
    const [first] = await new RunSync().execute({
      connection,
      tasks: ['pull_requests'],
      trigger: 'cli',
    })
    const seconds = (performance.now() - started) / 1000
    assert.equal(first.status, 'succeeded', first.error ?? '')
    const lists = azure.requests.filter((request) => isPullList(request.path))
    // 200 rows in pages of 100: two full pages and the short (empty) one that ends the list
    assert.lengthOf(lists, 20 * 3)
    assert.lengthOf(azure.requests, 20 * 3)
    assert.equal(first.requests, 20 * 3)
    assert.isTrue(
      lists.every(
        (request) =>
          request.query.get('api-version') === '7.1' && request.query.get('$top') === '100'
      )
    )
    assert.equal(await count('pull_requests'), 20 * 200)
    console.log(`pull requests: ${Math.round((20 * 200) / seconds)} rows/s`)

    azure.requests.length = 0
    const [again] = await new RunSync().execute({
      connection,
      tasks: ['pull_requests'],
      trigger: 'cli',
    })
    assert.equal(again.status, 'succeeded', again.error ?? '')
    assert.equal(again.itemsWritten, 0)
    // the first page holds the open ones and nothing changed: the settled pages are not read again
    assert.lengthOf(
      azure.requests.filter((request) => isPullList(request.path)),
      20 * 2
    )
  }).timeout(180_000)

  test('a pull request completed on Azure DevOps is merged locally, with its reviewers and votes', async ({
    assert,
  }) => {
    const [repository] = azure.seed(1, 3)
    const connection = await connected()
    await new RunSync().execute({
      connection,
      tasks: ['repositories', 'pull_requests'],
      trigger: 'cli',
    })
    const pull = azure.state.pullRequests.find((entry) => entry.status === 'active')!
    pull.status = 'completed'
    pull.closedDate = '2026-11-20T10:00:00.000Z'
    pull.reviewers = [
      {
        id: 'c0ffee00-0000-4000-8000-000000000001',
        displayName: 'Grace Hopper',
        uniqueName: 'grace@example.com',
        vote: 10,
      },
    ]
    const [run] = await new RunSync().execute({
      connection,
      tasks: ['pull_requests'],
      trigger: 'cli',
    })
    assert.equal(run.status, 'succeeded', run.error ?? '')
    const row = await db.from('pull_requests').where('number', pull.pullRequestId).firstOrFail()
    assert.equal(row.state, 'merged')
    assert.isNotNull(row.merged_at)
    assert.include(row.url, `/_git/${repository.name}/pullrequest/${pull.pullRequestId}`)
    const reviewer = await db.from('contributors').where('login', 'grace@example.com').first()
    assert.exists(reviewer)
  })

  test('builds and release deployments become deployments, pages followed by x-ms-continuationtoken; a re-sync asks for newer ones only', async ({
    assert,
  }) => {
    const [repository] = azure.seed(1, 1)
    for (let i = 0; i < 150; i++) azure.addBuild(repository)
    azure.addBuild(repository, { result: 'failed' })
    azure.addDeployment(repository)
    azure.addDeployment(repository, { deploymentStatus: 'failed' })
    const connection = await connected()
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
    azure.requests.length = 0
    const [run] = await new RunSync().execute({ connection, tasks: ['delivery'], trigger: 'cli' })
    assert.equal(run.status, 'succeeded', run.error ?? '')
    const builds = azure.requests.filter((request) => /\/_apis\/build\/builds$/i.test(request.path))
    assert.lengthOf(builds, 2)
    assert.isNull(builds[0].query.get('continuationToken'))
    assert.isNotNull(builds[1].query.get('continuationToken'))
    const rows = await db.from('deployments').orderBy('external_id')
    assert.equal(rows.filter((row) => row.kind === 'build').length, 151)
    assert.equal(rows.filter((row) => row.kind === 'build' && row.status === 'failure').length, 1)
    const releases = rows.filter((row) => row.kind === 'deployment')
    assert.deepEqual(releases.map((row) => [row.environment, row.status]).sort(), [
      ['Production', 'failure'],
      ['Production', 'success'],
    ])
    assert.isTrue(rows.every((row) => row.repository_id !== null))
    // classic releases were read from the Release host the resource areas named
    assert.isTrue(
      azure.requests.some((request) => /\/_apis\/release\/deployments$/i.test(request.path))
    )

    azure.requests.length = 0
    azure.addBuild(repository)
    const [again] = await new RunSync().execute({ connection, tasks: ['delivery'], trigger: 'cli' })
    assert.equal(again.itemsWritten, 1)
    const next = azure.requests.filter((request) => /\/_apis\/build\/builds$/i.test(request.path))
    assert.lengthOf(next, 1)
    assert.isNotNull(next[0].query.get('minTime'))
  })

  test('429 with Retry-After is waited out, and the run still completes', async ({ assert }) => {
    azure.seed(1, 5)
    const connection = await connected()
    azure.state.throttle = { remaining: 1, retryAfterSeconds: 1 }
    const started = Date.now()
    const [run] = await new RunSync().execute({
      connection,
      tasks: ['repositories'],
      trigger: 'cli',
    })
    assert.equal(run.status, 'succeeded', run.error ?? '')
    assert.isAtLeast(Date.now() - started, 900)
    assert.equal(azure.count(/\/_apis\/git\/repositories$/i), 2)
    assert.equal(await count('repositories'), 1)
  })

  test('an expired token (401) marks the connection as needing attention, in words, and the schedules skip it', async ({
    assert,
  }) => {
    azure.seed(1, 1)
    const connection = await connected()
    azure.state.pat = 'a-new-token-the-old-one-is-not'
    const [run] = await new RunSync().execute({
      connection,
      tasks: ['repositories'],
      trigger: 'schedule',
    })
    assert.equal(run.status, 'failed')
    assert.include(run.error ?? '', 'refused the personal access token: it expired or was revoked')
    await connection.refresh()
    assert.equal(connection.status, 'error')
    assert.include(connection.lastError ?? '', 'Connect again with a new token')

    azure.requests.length = 0
    await new SyncPluginConnections().execute({ pluginId: 'azure_devops', trigger: 'schedule' })
    assert.lengthOf(azure.requests, 0)
  })

  test('a 401 for a missing scope fails the task with the scope, and the connection stays active', async ({
    assert,
  }) => {
    azure.seed(1, 1)
    const connection = await connected()
    azure.state.scopes.delete('vso.build')
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
    const [run] = await new RunSync().execute({ connection, tasks: ['delivery'], trigger: 'cli' })
    assert.equal(run.status, 'failed')
    assert.include(run.error ?? '', 'lacks the Build (read) or Release (read) scope')
    await connection.refresh()
    assert.equal(connection.status, 'active')
  })

  test('work items by WIQL become issues, a Bug counts in the bug rate, a re-sync reads only what changed', async ({
    assert,
  }) => {
    const [repository] = azure.seed(1, 1)
    const project = azure.state.projects.find((entry) => entry.id === repository.projectId)!
    const bug = azure.addWorkItem(project, 'Bug', {
      'System.AssignedTo': { displayName: 'Grace Hopper', uniqueName: 'grace@example.com' },
    })
    azure.addWorkItem(project, 'User Story', { 'System.State': 'Active' })
    azure.addWorkItem(project, 'Task', {
      'System.State': 'Closed',
      'Microsoft.VSTS.Common.ClosedDate': '2026-11-05T10:00:00.000Z',
    })
    const connection = await connected()
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
    const [run] = await new RunSync().execute({
      connection,
      tasks: ['work_items'],
      trigger: 'cli',
    })
    assert.equal(run.status, 'succeeded', run.error ?? '')
    const issues = await db.from('issues').orderBy('key')
    assert.deepEqual(
      issues.map((row) => [row.type, row.status_category]),
      [
        ['bug', 'todo'],
        ['story', 'in_progress'],
        ['task', 'done'],
      ]
    )
    assert.equal(issues[0].assignee_login, 'grace@example.com')
    assert.include(issues[0].url, `/_workitems/edit/${bug.id}`)
    assert.isNotNull(issues[2].resolved_at)
    const [{ bugs }] = await db.from('insight_daily_metrics').sum('bugs_opened as bugs')
    assert.equal(Number(bugs), 1)

    // the bug is resolved: the next WIQL asks for changes since the newest one written
    azure.updateWorkItem(bug, { 'System.State': 'Resolved' }, '2026-12-01T08:00:00.000Z')
    azure.requests.length = 0
    const [again] = await new RunSync().execute({
      connection,
      tasks: ['work_items'],
      trigger: 'cli',
    })
    assert.equal(again.itemsWritten, 1)
    const wiql = azure.requests.find((request) => /\/_apis\/wit\/wiql$/i.test(request.path))!
    assert.equal(wiql.query.get('timePrecision'), 'true')
    const row = await db.from('issues').where('external_id', String(bug.id)).firstOrFail()
    assert.equal(row.status_category, 'done')
  })

  test('a work item’s state history comes from its updates, one transition per state change', async ({
    assert,
  }) => {
    const [repository] = azure.seed(1, 1)
    const project = azure.state.projects.find((entry) => entry.id === repository.projectId)!
    const bug = azure.addWorkItem(project, 'Bug')
    azure.updateWorkItem(bug, { 'System.Title': 'Valve leaks' }, '2026-11-20T09:00:00.000Z')
    azure.updateWorkItem(bug, { 'System.State': 'Active' }, '2026-11-21T10:00:00.000Z')
    azure.updateWorkItem(bug, { 'System.State': 'Resolved' }, '2026-11-23T16:30:00.000Z')
    const untouched = azure.addWorkItem(project, 'Task')
    const connection = await connected()
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
    azure.requests.length = 0
    const [run] = await new RunSync().execute({ connection, tasks: ['work_items'], trigger: 'cli' })
    assert.equal(run.status, 'succeeded', run.error ?? '')

    const issue = await db.from('issues').where('external_id', String(bug.id)).firstOrFail()
    const history = await db
      .from('issue_status_transitions')
      .where('issue_id', issue.id)
      .orderBy('transitioned_at')
    assert.deepEqual(
      history.map((row) => [row.from_status, row.to_status, row.to_category]),
      [
        [null, 'New', 'todo'],
        ['New', 'Active', 'in_progress'],
        ['Active', 'Resolved', 'done'],
      ]
    )
    assert.equal(new Date(history[2].transitioned_at).toISOString(), '2026-11-23T16:30:00.000Z')
    // the item never changed after its creation: its history is its first state, read without a request
    const task = await db.from('issues').where('external_id', String(untouched.id)).firstOrFail()
    const taskHistory = await db.from('issue_status_transitions').where('issue_id', task.id)
    assert.deepEqual(
      taskHistory.map((row) => [row.from_status, row.to_status]),
      [[null, 'New']]
    )
    assert.equal(azure.count(/\/_apis\/wit\/workitems\/\d+\/updates$/i, 'GET'), 1)
  })

  test('first review: the earliest comment or vote by someone other than the author, from the threads', async ({
    assert,
  }) => {
    const [repository] = azure.seed(1, 0)
    // whole seconds: what the database keeps
    const opened = new Date(Math.floor(Date.now() / 1000) * 1000 - 3 * 86_400_000)
    const at = (hours: number) => new Date(opened.getTime() + hours * 3_600_000).toISOString()
    const author = {
      id: azure.state.user.id,
      displayName: azure.state.user.displayName,
      uniqueName: azure.state.user.email,
    }
    const grace = { id: 'grace-id', displayName: 'Grace Hopper', uniqueName: 'grace@example.com' }
    const linus = { id: 'linus-id', displayName: 'Linus T', uniqueName: 'linus@example.com' }
    const voted = azure.addPullRequest(repository, { creationDate: opened.toISOString() })
    // the author's own comment and vote are not reviews
    azure.addComment(voted, author, at(1), 'Ready for review')
    azure.addVote(voted, author, 10, at(2))
    azure.addVote(voted, grace, 10, at(5))
    azure.addComment(voted, linus, at(7))
    const commented = azure.addPullRequest(repository, { creationDate: opened.toISOString() })
    azure.addComment(commented, linus, at(3))
    azure.addVote(commented, grace, -5, at(4))
    const unreviewed = azure.addPullRequest(repository, { creationDate: opened.toISOString() })
    azure.addComment(unreviewed, author, at(1))
    // older than AZURE_DEVOPS_PR_DETAIL_DAYS: its threads are not read
    const old = azure.addPullRequest(repository)
    azure.addComment(old, grace, '2026-11-02T09:00:00.000Z')

    const connection = await connected()
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
    azure.requests.length = 0
    const [run] = await new RunSync().execute({
      connection,
      tasks: ['pull_requests'],
      trigger: 'cli',
    })
    assert.equal(run.status, 'succeeded', run.error ?? '')
    const firstReview = async (pullRequestId: number) => {
      const row = await db.from('pull_requests').where('number', pullRequestId).firstOrFail()
      return row.first_review_at ? new Date(row.first_review_at).toISOString() : null
    }
    assert.equal(await firstReview(voted.pullRequestId), at(5))
    assert.equal(await firstReview(commented.pullRequestId), at(3))
    assert.isNull(await firstReview(unreviewed.pullRequestId))
    assert.isNull(await firstReview(old.pullRequestId))
    assert.equal(azure.count(/\/pullrequests\/\d+\/threads$/i, 'GET'), 3)
  })

  test('the old command line fetch_data AzureDevOps --orgid syncs the organisation', async ({
    assert,
  }) => {
    azure.seed(2, 3)
    const organization = await createOrganization()
    await connectAzure(organization, azure)
    const result = await runAce(['fetch_data', 'AzureDevOps', '--orgid', String(organization.id)])
    assert.equal(result.code, 0, result.stderr + result.stdout)
    assert.equal(await count('repositories'), 2)
    assert.equal(await count('pull_requests'), 6)
  }).timeout(90_000)

  test('default-branch commits since the cursor, long messages read whole so their trailers count', async ({
    assert,
  }) => {
    const [repository] = azure.seed(1, 1)
    azure.addCommit(repository, 'Fix the valve')
    const long = `Rework telemetry\n\n${'Detail line. '.repeat(30)}\n\nCo-authored-by: GitHub Copilot <copilot@github.com>`
    const assisted = azure.addCommit(repository, long)
    const connection = await connected()
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
    azure.requests.length = 0
    const [run] = await new RunSync().execute({ connection, tasks: ['commits'], trigger: 'cli' })
    assert.equal(run.status, 'succeeded', run.error ?? '')
    const rows = await db.from('commits').orderBy('committed_at')
    assert.lengthOf(rows, 2)
    assert.equal(rows[1].sha, assisted.commitId)
    assert.include(rows[1].message, 'Co-authored-by: GitHub Copilot')
    assert.isTrue(Boolean(rows[1].ai_assisted))
    assert.isFalse(Boolean(rows[0].ai_assisted))
    // one list page, then each new commit read whole (its parents and uncut
    // message); the assisted one's changes and file diffs (its added lines)
    const asked = azure.requests.map(
      (request) => `${request.method} ${request.path.replace(/^.*\/repositories\/[^/]+/, '')}`
    )
    assert.deepEqual(
      asked.sort(),
      [
        'GET /commits',
        `GET /commits/${rows[0].sha}`,
        `GET /commits/${rows[1].sha}`,
        `GET /commits/${assisted.commitId}/changes`,
        'POST /filediffs',
      ].sort()
    )

    azure.requests.length = 0
    const [again] = await new RunSync().execute({ connection, tasks: ['commits'], trigger: 'cli' })
    assert.equal(again.itemsWritten, 0)
    assert.isNotNull(azure.requests[0].query.get('searchCriteria.fromDate'))
  })

  test('a commit whose trailer marks AI assistance has the lines its file diffs add counted as AI, with the trailer as evidence', async ({
    assert,
  }) => {
    const [repository] = azure.seed(1, 1)
    const human = azure.addCommit(repository, 'Fix the valve')
    const assisted = azure.addCommit(
      repository,
      'Add the pump\n\nCo-authored-by: Claude <noreply@anthropic.com>',
      {
        files: [
          addedFile('/src/pump.ts', 4),
          {
            path: '/src/valve.ts',
            changeType: 'edit',
            blocks: [
              {
                changeType: 'edit',
                originalLineNumberStart: 10,
                originalLinesCount: 1,
                modifiedLineNumberStart: 10,
                modifiedLinesCount: 2,
              },
              {
                changeType: 'delete',
                originalLineNumberStart: 20,
                originalLinesCount: 3,
                modifiedLineNumberStart: 21,
                modifiedLinesCount: 0,
              },
            ],
          },
          { path: '/src/old.ts', changeType: 'delete', blocks: [] },
        ],
      }
    )
    const connection = await connected()
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
    azure.requests.length = 0
    const [run] = await new RunSync().execute({ connection, tasks: ['commits'], trigger: 'cli' })
    assert.equal(run.status, 'succeeded', run.error ?? '')

    const facts = await db
      .from('ai_code_facts')
      .where('commit_sha', assisted.commitId)
      .orderBy('path')
      .orderBy('start_line')
    assert.deepEqual(
      facts.map((fact) => [fact.path, fact.start_line, fact.end_line, fact.origin, fact.agent]),
      [
        ['src/pump.ts', 1, 4, 'ai', 'claude'],
        ['src/valve.ts', 10, 11, 'ai', 'claude'],
      ]
    )
    assert.equal(facts[0].evidence, 'Co-authored-by: Claude <noreply@anthropic.com>')
    assert.lengthOf(await db.from('ai_code_facts').where('commit_sha', human.commitId), 0)
    assert.isFalse(
      azure.requests.some((request) => request.path.includes(`${human.commitId}/changes`)),
      'a commit without a signal has no diff read'
    )
  }).timeout(90_000)
  const CODEX_MARKER = 'Codex task: https://chatgpt.com/codex/tasks/task_e_6838'
  const POMP_FILE = addedFile('/src/pump.ts', 3)

  /** a pull request on a branch of one commit that adds src/pump.ts lines 1 to 3 */
  function pullWithOnePumpCommit(description: string) {
    const [repository] = azure.seed(1, 0)
    azure.addCommit(repository, 'Start the engine')
    const branchCommit = azure.addCommit(repository, 'Add the pump', {
      files: [POMP_FILE],
      offDefaultBranch: true,
    })
    const pull = azure.addPullRequest(repository, {
      description,
      commitIds: [branchCommit.commitId],
    })
    return { pull, branchCommit }
  }

  /** a connection's sync of repositories and pull requests, which must succeed */
  async function syncPullRequests(assert: Assert) {
    const connection = await connected()
    const [run] = await new RunSync().execute({
      connection,
      tasks: ['repositories', 'pull_requests'],
      trigger: 'cli',
    })
    assert.equal(run.status, 'succeeded', run.error ?? '')
  }

  test("a pull request whose description carries an agent's marker past the list's 400 characters: its commits' added lines are AI, the marker their evidence", async ({
    assert,
  }) => {
    // where agents put it: after the summary, past what the list returns
    const { pull, branchCommit } = pullWithOnePumpCommit(
      `${'Explains the pump at length. '.repeat(20)}\n\n${CODEX_MARKER}`
    )
    await syncPullRequests(assert)

    const row = await db.from('pull_requests').where('number', pull.pullRequestId).firstOrFail()
    assert.equal(row.ai_marker, CODEX_MARKER)
    assert.deepEqual(JSON.parse(row.commit_shas), [branchCommit.commitId])
    const facts = await db.from('ai_code_facts').where('commit_sha', branchCommit.commitId)
    assert.deepEqual(
      facts.map((fact) => [fact.path, fact.start_line, fact.end_line, fact.origin, fact.agent]),
      [['src/pump.ts', 1, 3, 'ai', 'codex']]
    )
    assert.equal(facts[0].evidence, `pull request #${pull.pullRequestId}: ${CODEX_MARKER}`)
  }).timeout(90_000)

  test("a marked pull request of more commits than a page: every page is read by continuation token, the last page's commits' added lines are AI", async ({
    assert,
  }) => {
    const [repository] = azure.seed(1, 0)
    azure.addCommit(repository, 'Start the engine')
    const branchCommits = Array.from({ length: 5 }, (_, index) =>
      azure.addCommit(repository, `Pump stage ${index + 1}`, {
        files: [POMP_FILE],
        offDefaultBranch: true,
      })
    )
    // pages of two: the fifth commit is alone on the third page
    azure.state.pullRequestCommitPageSize = 2
    const pull = azure.addPullRequest(repository, {
      description: `Stages the pump.\n\n${CODEX_MARKER}`,
      commitIds: branchCommits.map((commit) => commit.commitId),
    })
    await syncPullRequests(assert)

    const lastPageFacts = await db
      .from('ai_code_facts')
      .where('commit_sha', branchCommits[4].commitId)
    assert.deepEqual(
      lastPageFacts.map((fact) => [fact.path, fact.start_line, fact.end_line, fact.origin]),
      [['src/pump.ts', 1, 3, 'ai']]
    )
    assert.equal(await count('ai_code_facts'), 5)
    const pages = azure.requests.filter((request) =>
      /\/pullrequests\/\d+\/commits$/i.test(request.path)
    )
    assert.lengthOf(pages, 3)
    assert.isNull(pages[0].query.get('continuationToken'))
    assert.isNotNull(pages[2].query.get('continuationToken'))
    const row = await db.from('pull_requests').where('number', pull.pullRequestId).firstOrFail()
    assert.deepEqual(
      JSON.parse(row.commit_shas),
      branchCommits.map((commit) => commit.commitId)
    )
  }).timeout(90_000)

  test('a pull request without a marker in its description: its commits are not read and no signal fact is written', async ({
    assert,
  }) => {
    const { pull } = pullWithOnePumpCommit('Adds the pump. Tested on the bench.')
    await syncPullRequests(assert)

    const row = await db.from('pull_requests').where('number', pull.pullRequestId).firstOrFail()
    assert.isNull(row.ai_marker)
    assert.lengthOf(await db.from('ai_code_facts'), 0)
    assert.isFalse(
      azure.requests.some((request) => /\/pullrequests\/\d+\/commits/i.test(request.path))
    )
  }).timeout(90_000)
})

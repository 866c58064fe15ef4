import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import type { FakeJira } from './fake_jira/server.js'
import { addIssue, PEOPLE, seedIssues, touch } from './fake_jira/seed.js'
import { connectServer, connectSite, startJira } from './testbed.js'

/**
 * `fetch:data jira` against the fake Jira: projects, then issues through
 * the enhanced JQL search (Cloud) or the startAt search (Data Center),
 * incremental by updated time, with their status histories.
 */
const isSearch = (path: string) => /\/rest\/api\/[23]\/search(\/jql)?$/.test(path)

async function issueCount(organizationId: number) {
  const [{ total }] = await db
    .from('issues')
    .where('organization_id', organizationId)
    .count('* as total')
  return Number(total)
}

test.group('Jira | sync', (group) => {
  let jira: FakeJira
  group.setup(async () => {
    jira = await startJira()
    return () => jira.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => jira.reset())

  test('5,000 issues across 3 projects: 50 search pages; then 3 changed issues take one search', async ({
    assert,
  }) => {
    const site = jira.site('c1')
    seedIssues(site, ['ENG', 'OPS', 'WEB'], 5000)
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')

    const [projects, issues] = await new RunSync().execute({ connection, trigger: 'cli' })
    assert.equal(projects.status, 'succeeded', projects.error ?? '')
    assert.equal(issues.status, 'succeeded', issues.error ?? '')
    const searches = jira.state.requests.filter((request) => isSearch(request.path))
    assert.lengthOf(searches, 50, 'ceil(5000 / 100) pages, no more')
    assert.isTrue(
      searches.every((request) => request.path === '/gateway/ex/jira/c1/rest/api/3/search/jql')
    )
    assert.lengthOf(jira.requestsTo(/changelog$/), 0, 'short histories came with the search')
    assert.equal(await issueCount(organization.id), 5000)
    await connection.refresh()
    assert.deepEqual(
      (connection.configValues.projects as Array<{ key: string }>).map((project) => project.key),
      ['ENG', 'OPS', 'WEB']
    )

    const newest = Math.max(...site.issues.map((issue) => issue.updated.getTime()))
    const overlap = site.issues.filter((issue) => issue.updated.getTime() >= newest - 60_000)
    const changed = [site.issues[10], site.issues[2000], site.issues[4321]]
    for (const issue of changed) touch(issue)
    jira.state.requests = []
    const [again] = await new RunSync().execute({ connection, trigger: 'cli', tasks: ['issues'] })
    assert.equal(again.status, 'succeeded', again.error ?? '')
    const [search] = jira.state.requests.filter((request) => isSearch(request.path))
    assert.lengthOf(
      jira.state.requests.filter((request) => isSearch(request.path)),
      1
    )
    assert.match(
      search.query.get('jql')!,
      /^updated >= "\d{4}-\d{2}-\d{2} \d{2}:\d{2}" ORDER BY updated ASC$/
    )
    const rows = await db
      .from('issues')
      .where('organization_id', organization.id)
      .whereIn(
        'key',
        changed.map((issue) => issue.key)
      )
      .select('status', 'status_category', 'resolved_at')
    assert.deepEqual(
      rows.map((row) => [row.status, row.status_category]),
      [
        ['Done', 'done'],
        ['Done', 'done'],
        ['Done', 'done'],
      ]
    )
    // it read the 3 changed issues, and the last run's newest (the minute of overlap JQL needs)
    assert.lengthOf(overlap, 1)
    assert.sameMembers(
      search.issues!,
      [...changed, ...overlap].map((issue) => issue.key)
    )
  }).timeout(180_000)

  test('status histories are stored; a history the search cut short is paged from /changelog', async ({
    assert,
  }) => {
    const site = jira.site('c1')
    const long = addIssue(site, { projectKey: 'ENG', churn: 30, startedAfter: 2, doneAfter: 6 })
    addIssue(site, { projectKey: 'ENG', startedAfter: 1 })
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')
    await new RunSync().execute({ connection, trigger: 'cli' })

    assert.deepEqual(
      jira.requestsTo(/changelog$/).map((request) => request.path),
      [`/gateway/ex/jira/c1/rest/api/3/issue/${long.id}/changelog`]
    )
    const transitions = await db
      .from('issue_status_transitions')
      .join('issues', 'issues.id', 'issue_status_transitions.issue_id')
      .where('issues.key', long.key)
      .orderBy('transitioned_at')
      .select('from_status', 'to_status', 'to_category')
    assert.lengthOf(transitions, 62)
    assert.deepEqual(transitions.at(-1), {
      from_status: 'In Progress',
      to_status: 'Done',
      to_category: 'done',
    })
    assert.deepEqual(transitions.at(-2), {
      from_status: 'To Do',
      to_status: 'In Progress',
      to_category: null,
    })
  })

  test('the incremental query is written in the account time zone, so no change is missed', async ({
    assert,
  }) => {
    const site = jira.site('c1')
    site.timeZone = 'America/New_York'
    const first = addIssue(site, { projectKey: 'ENG', created: new Date(Date.UTC(2026, 10, 2, 9)) })
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')
    await new RunSync().execute({ connection, trigger: 'cli' })
    // an hour after the cursor: read as UTC by a New York account, it would fall before the cursor's minute
    touch(first, new Date(first.updated.getTime() + 3_600_000))
    jira.state.requests = []
    await new RunSync().execute({ connection, trigger: 'cli', tasks: ['issues'] })
    const [search] = jira.state.requests.filter((request) => isSearch(request.path))
    assert.equal(search.query.get('jql'), 'updated >= "2026-11-02 03:59" ORDER BY updated ASC')
    const row = await db.from('issues').where('key', first.key).first()
    assert.equal(row.status, 'Done')
  })

  test('Data Center: /rest/api/2/search paged by startAt/total with a bearer token', async ({
    assert,
  }) => {
    const server = jira.site('server')
    seedIssues(server, ['OPS'], 120)
    const organization = await createOrganization()
    const connection = await connectServer(organization, jira)
    const runs = await new RunSync().execute({ connection, trigger: 'cli' })
    assert.deepEqual(
      runs.map((run) => run.status),
      ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded'],
      runs.map((run) => run.error).join()
    )
    const searches = jira.state.requests.filter((request) => isSearch(request.path))
    assert.deepEqual(
      searches.map((request) => [request.path, request.query.get('startAt')]),
      [
        ['/rest/api/2/search', '0'],
        ['/rest/api/2/search', '50'],
        ['/rest/api/2/search', '100'],
      ]
    )
    assert.isTrue(searches.every((request) => request.authorization === 'Bearer dc-token-for-sync'))
    assert.equal(await issueCount(organization.id), 120)
    // Data Center names people by user name
    const ada = await db
      .from('contributors')
      .where('provider', 'jira')
      .where('login', PEOPLE[0].name)
      .first()
    assert.equal(ada.email, PEOPLE[0].emailAddress)
  })

  test('a 429 is waited out for its Retry-After and the sync completes', async ({ assert }) => {
    seedIssues(jira.site('c1'), ['ENG'], 5)
    jira.state.throttle = { remaining: 1, retryAfter: 1 }
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')
    const started = Date.now()
    const runs = await new RunSync().execute({ connection, trigger: 'cli' })
    assert.deepEqual(
      runs.map((run) => run.status),
      ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded']
    )
    assert.equal(jira.state.requests[0].status, 429)
    assert.isAtLeast(Date.now() - started, 1000)
    assert.equal(await issueCount(organization.id), 5)
  })

  test('issue types map to bug / incident / story, configurable per connection', async ({
    assert,
  }) => {
    const site = jira.site('c1')
    addIssue(site, { projectKey: 'ENG', type: 'Bug' })
    addIssue(site, { projectKey: 'ENG', type: 'Incident' })
    addIssue(site, { projectKey: 'ENG', type: 'Task', labels: ['outage'] })
    addIssue(site, { projectKey: 'ENG', type: 'Problem' })
    addIssue(site, { projectKey: 'ENG', type: 'Story' })
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')
    await new RunSync().execute({ connection, trigger: 'cli' })
    const kinds = async () => {
      const rows = await db
        .from('issues')
        .where('organization_id', organization.id)
        .orderBy('key')
        .select('type')
      return rows.map((row) => row.type)
    }
    assert.deepEqual(await kinds(), ['bug', 'incident', 'incident', 'other', 'story'])

    // this organisation calls its incidents "Problem"
    connection.configValues = { ...connection.configValues, issueTypes: { incident: ['Problem'] } }
    await connection.save()
    await new RunSync().execute({ connection, trigger: 'cli', full: true })
    assert.deepEqual(await kinds(), ['bug', 'other', 'incident', 'incident', 'story'])
  })
})

import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import type { FakeJira } from './fake_jira/server.js'
import { addIssue } from './fake_jira/seed.js'
import { connectServer, connectSite, startJira } from './testbed.js'

/**
 * How issues are planned, as Jira Software says it: labels, components,
 * fix versions, the sprint (Sprint field, found by its type through
 * /field), the parent and the epic (a team-managed parent, or a
 * company-managed Epic Link) and story points (found by name).
 */
async function planning(key: string) {
  const row = await db.from('issues').where('key', key).firstOrFail()
  return {
    labels: JSON.parse(row.labels ?? 'null'),
    components: JSON.parse(row.components ?? 'null'),
    fixVersions: JSON.parse(row.fix_versions ?? 'null'),
    sprint: row.sprint,
    parentKey: row.parent_key,
    epicKey: row.epic_key,
    storyPoints: row.story_points === null ? null : Number(row.story_points),
  }
}

test.group('Jira | sprints, components, versions, epics', (group) => {
  let jira: FakeJira
  group.setup(async () => {
    jira = await startJira()
    return () => jira.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => jira.reset())

  test('Cloud: the planning fields are asked for by their site ids and stored on each issue', async ({
    assert,
  }) => {
    const site = jira.site('c1')
    const epic = addIssue(site, { projectKey: 'ENG', type: 'Epic' })
    const story = addIssue(site, {
      projectKey: 'ENG',
      labels: ['backend'],
      components: ['API', 'Billing'],
      fixVersions: ['2.4.0'],
      sprints: [
        { id: 1, name: 'Sprint 1', state: 'closed' },
        { id: 2, name: 'Sprint 2', state: 'active' },
      ],
      storyPoints: 5,
      parent: { key: epic.key, type: 'Epic' },
    })
    const subtask = addIssue(site, {
      projectKey: 'ENG',
      type: 'Sub-task',
      epicLink: epic.key,
      parent: { key: story.key, type: 'Story' },
      sprints: [{ id: 1, name: 'Sprint 1', state: 'closed' }],
    })
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')
    const runs = await new RunSync().execute({ connection, trigger: 'cli' })
    assert.isTrue(
      runs.every((run) => run.status === 'succeeded'),
      runs.map((run) => run.error).join()
    )

    const [search] = jira.requestsTo(/search\/jql$/)
    const asked = search.query.getAll('fields').join(',').split(',')
    assert.includeMembers(asked, [
      'components',
      'fixVersions',
      'parent',
      'customfield_10020',
      'customfield_10014',
      'customfield_10016',
    ])
    assert.deepEqual(await planning(story.key), {
      labels: ['backend'],
      components: ['API', 'Billing'],
      fixVersions: ['2.4.0'],
      sprint: 'Sprint 2',
      parentKey: epic.key,
      epicKey: epic.key,
      storyPoints: 5,
    })
    assert.deepEqual(await planning(subtask.key), {
      labels: [],
      components: [],
      fixVersions: [],
      sprint: 'Sprint 1',
      parentKey: story.key,
      epicKey: epic.key,
      storyPoints: null,
    })
    await connection.refresh()
    assert.deepEqual(connection.configValues.fields, {
      sprint: 'customfield_10020',
      epicLink: 'customfield_10014',
      storyPoints: ['customfield_10016'],
    })
  })

  test('Data Center: the Sprint field written as text is read for its active sprint', async ({
    assert,
  }) => {
    const server = jira.site('server')
    const issue = addIssue(server, {
      projectKey: 'OPS',
      components: ['Pager'],
      sprints: [
        { id: 6, name: 'Ops 6', state: 'closed' },
        { id: 7, name: 'Ops 7', state: 'active' },
        { id: 8, name: 'Ops 8', state: 'future' },
      ],
      storyPoints: 3,
    })
    const organization = await createOrganization()
    const connection = await connectServer(organization, jira)
    await new RunSync().execute({ connection, trigger: 'cli' })
    const stored = await planning(issue.key)
    assert.equal(stored.sprint, 'Ops 7')
    assert.deepEqual(stored.components, ['Pager'])
    assert.equal(stored.storyPoints, 3)
  })
})

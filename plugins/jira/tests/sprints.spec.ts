import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { fromSqlTime } from '#services/sql'
import type { FakeJira } from './fake_jira/server.js'
import type { FakeSprint } from './fake_jira/state.js'
import { connectSite, startJira } from './testbed.js'

/**
 * Sprints through Jira Software's Agile API against the fake Jira: each
 * scrum board's sprints, paged, stored with state, goal, dates and board.
 */
test.group('Jira | sprints', (group) => {
  let jira: FakeJira
  group.setup(async () => {
    jira = await startJira()
    return () => jira.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => jira.reset())

  test("every scrum board's sprints are stored with state, goal, dates and board; kanban boards are not asked", async ({
    assert,
  }) => {
    const older: FakeSprint[] = Array.from({ length: 50 }, (_, index) => ({
      id: 100 + index,
      name: `ENG Sprint ${index + 1}`,
      state: 'closed',
      startDate: '2026-01-05T09:00:00.000Z',
      endDate: '2026-01-19T09:00:00.000Z',
      completeDate: '2026-01-19T10:00:00.000Z',
    }))
    jira.site('c1').boards = [
      {
        id: 1,
        name: 'ENG board',
        type: 'scrum',
        projectKey: 'ENG',
        sprints: [
          ...older,
          {
            id: 200,
            name: 'ENG Sprint 51',
            state: 'active',
            goal: 'Ship the login retry',
            startDate: '2026-12-01T09:00:00.000Z',
            endDate: '2026-12-15T09:00:00.000Z',
          },
          { id: 201, name: 'ENG Sprint 52', state: 'future' },
        ],
      },
      { id: 2, name: 'OPS flow', type: 'kanban', projectKey: 'OPS', sprints: [] },
    ]
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')

    jira.state.requests = []
    const [run] = await new RunSync().execute({ connection, trigger: 'cli', tasks: ['sprints'] })
    assert.equal(run.status, 'succeeded', run.error ?? '')

    const sprints = await db
      .from('sprints')
      .where('organization_id', organization.id)
      .orderBy('external_id')
    assert.lengthOf(sprints, 52)
    const active = sprints.find((sprint) => sprint.external_id === '200')
    assert.include(active, {
      provider: 'jira',
      name: 'ENG Sprint 51',
      state: 'active',
      goal: 'Ship the login retry',
      board_external_id: '1',
      board_name: 'ENG board',
      connection_id: connection.id,
    })
    assert.equal(fromSqlTime(active.start_at)?.toISOString(), '2026-12-01T09:00:00.000Z')
    assert.equal(fromSqlTime(active.end_at)?.toISOString(), '2026-12-15T09:00:00.000Z')
    assert.isNull(active.completed_at)
    const closed = sprints.find((sprint) => sprint.external_id === '100')
    assert.equal(closed.state, 'closed')
    assert.equal(fromSqlTime(closed.completed_at)?.toISOString(), '2026-01-19T10:00:00.000Z')

    assert.lengthOf(jira.requestsTo(/\/board\/1\/sprint$/), 2, '52 sprints: two pages of 50')
    assert.lengthOf(jira.requestsTo(/\/board\/2\/sprint$/), 0, 'a kanban board has no sprints')
  })

  test('a site without Jira Software has no sprints, and the run succeeds', async ({ assert }) => {
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')

    const [run] = await new RunSync().execute({ connection, trigger: 'cli', tasks: ['sprints'] })

    assert.equal(run.status, 'succeeded', run.error ?? '')
    assert.lengthOf(await db.from('sprints'), 0)
    assert.lengthOf(jira.requestsTo(/\/rest\/agile\/1\.0\/board$/), 1)
  })
})

import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import type { FakeJira } from './fake_jira/server.js'
import { connectServer, connectSite, startJira } from './testbed.js'

/**
 * Teams imported from Jira's groups against the fake Jira: Bulk get
 * groups and each group's members, paged (Cloud); the group picker past
 * its autocomplete limit and members by group name (Data Center);
 * Atlassian's product-access groups and apps are left out; a grant that
 * cannot browse groups imports nothing and the run still succeeds.
 */
test.group('Jira | groups as teams', (group) => {
  let jira: FakeJira
  group.setup(async () => {
    jira = await startJira()
    return () => jira.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => jira.reset())

  async function teamsOf(organizationId: number) {
    const teams = await db
      .from('teams')
      .where('organization_id', organizationId)
      .select('id', 'name', 'provider')
      .orderBy('name')
    const result: Record<string, number> = {}
    for (const team of teams) {
      const [{ count }] = await db
        .from('team_members')
        .where('team_id', team.id)
        .count('* as count')
      result[`${team.name}|${team.provider}`] = Number(count)
    }
    return result
  }

  test("a group's 52 members (two pages) make one team; product-access groups and apps are not teams", async ({
    assert,
  }) => {
    const people = Array.from({ length: 52 }, (_, index) => ({
      accountId: `acc-${index}`,
      displayName: `Person ${index}`,
      emailAddress: `person${index}@example.com`,
    }))
    jira.site('c1').groups = [
      {
        groupId: 'g-payments',
        name: 'Payments squad',
        members: [...people, { accountId: 'app-1', displayName: 'Automation', accountType: 'app' }],
      },
      { groupId: 'g-mobile', name: 'Mobile', members: [people[0], people[51]] },
      { groupId: 'g-access', name: 'jira-software-users', members: people },
      { groupId: 'g-admins', name: 'site-admins', members: [people[0]] },
    ]
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')
    jira.state.requests = []

    const [run] = await new RunSync().execute({ connection, trigger: 'cli', tasks: ['groups'] })

    assert.equal(run.status, 'succeeded', run.error ?? '')
    assert.deepEqual(await teamsOf(organization.id), {
      'Mobile|jira': 2,
      'Payments squad|jira': 52,
    })
    assert.lengthOf(jira.requestsTo(/\/rest\/api\/3\/group\/member$/), 3, 'two pages, then one')
    const contributor = await db
      .from('contributors')
      .where('organization_id', organization.id)
      .where('login', 'acc-7')
      .first()
    assert.include(contributor, { name: 'Person 7', email: 'person7@example.com' })
    assert.notExists(
      await db.from('contributors').where('login', 'app-1').first(),
      'an app is not a person'
    )
  })

  test('a grant that cannot browse users and groups imports none, and the run succeeds', async ({
    assert,
  }) => {
    jira.site('c1').groups = null
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')

    const [run] = await new RunSync().execute({ connection, trigger: 'cli', tasks: ['groups'] })

    assert.equal(run.status, 'succeeded', run.error ?? '')
    assert.deepEqual(await teamsOf(organization.id), {})
  })

  test("Data Center: the picker's 20-group limit is paged past with exclude; members by group name, known by user name", async ({
    assert,
  }) => {
    const server = jira.site('server')
    const squads = Array.from({ length: 23 }, (_, index) => ({
      groupId: `squad-${String(index).padStart(2, '0')}`,
      name: `squad-${String(index).padStart(2, '0')}`,
      members: [{ accountId: `user${index}`, displayName: `User ${index}` }],
    }))
    const people = Array.from({ length: 51 }, (_, index) => ({
      accountId: `dev${index}`,
      displayName: `Dev ${index}`,
      emailAddress: `dev${index}@example.com`,
    }))
    server.groups = [
      ...squads,
      { groupId: 'platform', name: 'Platform', members: people },
      { groupId: 'jira-software-users', name: 'jira-software-users', members: people },
    ]
    const organization = await createOrganization()
    const connection = await connectServer(organization, jira)
    jira.state.requests = []

    const [run] = await new RunSync().execute({ connection, trigger: 'cli', tasks: ['groups'] })

    assert.equal(run.status, 'succeeded', run.error ?? '')
    const teams = await teamsOf(organization.id)
    assert.lengthOf(Object.keys(teams), 24, '23 squads and Platform, not the access group')
    assert.equal(teams['Platform|jira'], 51)
    assert.equal(teams['squad-22|jira'], 1)
    assert.notProperty(teams, 'jira-software-users|jira')

    // 25 groups, 20 a page: the second request excludes the first 20
    const picks = jira.requestsTo(/^\/rest\/api\/2\/groups\/picker$/)
    assert.lengthOf(picks, 2)
    assert.lengthOf(picks[1].query.getAll('exclude'), 20)
    const platform = jira
      .requestsTo(/^\/rest\/api\/2\/group\/member$/)
      .filter((request) => request.query.get('groupname') === 'Platform')
    assert.deepEqual(
      platform.map((request) => request.query.get('startAt')),
      ['0', '50'],
      'two pages of members'
    )
    const contributor = await db
      .from('contributors')
      .where('organization_id', organization.id)
      .where('login', 'dev7')
      .first()
    // an address a Data Center administrator typed is not a verified one
    assert.include(contributor, { name: 'Dev 7', email: 'dev7@example.com' })
    assert.notOk(contributor.email_verified)
  })

  test('Data Center: a token that may not browse groups imports none, and the run succeeds', async ({
    assert,
  }) => {
    jira.site('server').groups = null
    const organization = await createOrganization()
    const connection = await connectServer(organization, jira)

    const [run] = await new RunSync().execute({ connection, trigger: 'cli', tasks: ['groups'] })

    assert.equal(run.status, 'succeeded', run.error ?? '')
    assert.deepEqual(await teamsOf(organization.id), {})
    assert.lengthOf(jira.requestsTo(/^\/rest\/api\/3\//), 0, 'no Cloud API asked')
  })
})

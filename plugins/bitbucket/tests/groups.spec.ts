import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { seedWorkspace } from './fake_bitbucket/seed.js'
import { fakeUser } from './fake_bitbucket/state.js'
import { startFakeBitbucket, type FakeBitbucket } from './fake_bitbucket/server.js'
import { oauthConnection } from './testbed.js'

/**
 * Bitbucket Cloud's workspace groups as Sextant teams, against fake
 * Bitbucket's 1.0 groups resource (the 2.0 API lists no groups): each
 * group one team with its members' people, found again by slug; a
 * credential that may not read groups imports none and the run succeeds.
 */
test.group('Bitbucket | groups as teams', (group) => {
  let bitbucket: FakeBitbucket
  group.setup(async () => {
    bitbucket = await startFakeBitbucket()
    return () => bitbucket.stop()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    bitbucket.state.workspaces = []
    bitbucket.state.repositories.clear()
    bitbucket.state.groups = []
    bitbucket.state.groupsForbidden = false
    bitbucket.resetRequests()
  })

  async function teamsOf(organizationId: number) {
    const teams = await db
      .from('teams')
      .where('organization_id', organizationId)
      .select('id', 'name', 'provider', 'external_id')
      .orderBy('name')
    const result: Record<string, string[]> = {}
    for (const team of teams) {
      const members = await db
        .from('team_members as tm')
        .join('people as p', 'p.id', 'tm.person_id')
        .where('tm.team_id', team.id)
        .orderBy('p.display_name')
        .select('p.display_name')
      result[`${team.name}|${team.provider}|${team.external_id}`] = members.map(
        (row) => row.display_name
      )
    }
    return result
  }

  test("each group is a team of its members' people, found again by slug when it is renamed", async ({
    assert,
  }) => {
    seedWorkspace(bitbucket.state, 'acme', 1, 0)
    const [ana, ben, cyd] = ['ana', 'ben', 'cyd'].map(fakeUser)
    bitbucket.state.groups = [
      { name: 'Payments', slug: 'payments', permission: 'write', members: [ana, ben] },
      { name: 'Mobile', slug: 'mobile', members: [cyd, ana] },
    ]
    const organization = await createOrganization()
    const connection = await oauthConnection(bitbucket, organization)

    const [run] = await new RunSync().execute({ connection, trigger: 'cli', tasks: ['groups'] })

    assert.equal(run.status, 'succeeded', run.error ?? '')
    assert.deepEqual(await teamsOf(organization.id), {
      'Mobile|bitbucket|mobile': ['Ana', 'Cyd'],
      'Payments|bitbucket|payments': ['Ana', 'Ben'],
    })
    const contributor = await db
      .from('contributors')
      .where('organization_id', organization.id)
      .where('external_id', ben.uuid)
      .first()
    assert.include(contributor, { provider: 'bitbucket', login: 'ben' })

    // renamed, and Ben left: the same team follows
    bitbucket.state.groups = [
      { name: 'Payments squad', slug: 'payments', members: [ana] },
      { name: 'Mobile', slug: 'mobile', members: [cyd, ana] },
    ]
    const [again] = await new RunSync().execute({ connection, trigger: 'cli', tasks: ['groups'] })
    assert.equal(again.status, 'succeeded', again.error ?? '')
    assert.deepEqual(await teamsOf(organization.id), {
      'Mobile|bitbucket|mobile': ['Ana', 'Cyd'],
      'Payments squad|bitbucket|payments': ['Ana'],
    })
  })

  test('a credential that may not read the groups imports none, and the run succeeds', async ({
    assert,
  }) => {
    seedWorkspace(bitbucket.state, 'acme', 1, 0)
    bitbucket.state.groups = [{ name: 'Payments', slug: 'payments', members: [fakeUser('ana')] }]
    bitbucket.state.groupsForbidden = true
    const organization = await createOrganization()
    const connection = await oauthConnection(bitbucket, organization)

    const [run] = await new RunSync().execute({ connection, trigger: 'cli', tasks: ['groups'] })

    assert.equal(run.status, 'succeeded', run.error ?? '')
    assert.deepEqual(await teamsOf(organization.id), {})
  })
})

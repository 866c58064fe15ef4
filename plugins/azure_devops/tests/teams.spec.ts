import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { publicIds } from '#services/public_id'
import { insertedId } from '#services/sql'
import type Connection from '#models/connection'
import type { FakeAzure, FakeTeamMember } from './fake_azure/server.js'
import { connectAzure, startAzure } from './testbed.js'

/**
 * Azure DevOps teams become Sextant teams (#25): the "teams" sync step
 * lists the projects, each project's teams and each team's members with
 * azure-devops-node-api's CoreApi against the fake organisation, writes
 * the members as the contributors pull requests name (identity id,
 * uniqueName) and the teams through the SDK's upsertTeams; the next sync
 * follows Azure DevOps and keeps people added by hand.
 */
const person = (name: string): FakeTeamMember => ({
  id: `00000000-0000-4000-8000-${Buffer.from(name).toString('hex').padStart(12, '0').slice(-12)}`,
  displayName: name[0].toUpperCase() + name.slice(1),
  uniqueName: `${name}@example.com`,
})

async function teamsOf(organizationId: number) {
  const teams = await db
    .from('teams')
    .where('organization_id', organizationId)
    .select('id', 'name', 'provider')
    .orderBy('name')
  const result: Record<string, string[]> = {}
  for (const team of teams) {
    const members = await db
      .from('team_members as tm')
      .join('contributors as c', 'c.person_id', 'tm.person_id')
      .where('tm.team_id', team.id)
      .select('c.login')
      .orderBy('c.login')
    result[`${team.name}|${team.provider ?? 'sextant'}`] = members.map((row) => row.login)
  }
  return result
}

test.group('Azure DevOps | teams', (group) => {
  let azure: FakeAzure
  group.setup(async () => {
    azure = await startAzure()
    return () => azure.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => azure.reset())

  async function sync(connection: Connection, task = 'teams') {
    const [outcome] = await new RunSync().execute({ connection, tasks: [task], trigger: 'cli' })
    return outcome
  }

  test("every project's teams and members are imported, paged, as the people who author pull requests", async ({
    assert,
  }) => {
    const rockets = azure.addProject('Rockets')
    const ground = azure.addProject('Ground')
    const engineers = { ...person('engineers'), isContainer: true }
    azure.addTeam(rockets, 'Payments', [person('alice'), person('bob')])
    azure.addTeam(rockets, 'Platform', [person('bob'), person('carol'), engineers])
    // 105 members: two pages of members ($top=100)
    const crowd = Array.from({ length: 105 }, (_, index) => person(`crew${index}`))
    azure.addTeam(ground, 'Radar', crowd)
    // alice authored a pull request, synced before the teams
    const repository = azure.addRepository(rockets, 'engine')
    azure.addPullRequest(repository, { createdBy: person('alice') })
    const organization = await createOrganization()
    const connection = await connectAzure(organization, azure)
    for (const task of ['repositories', 'pull_requests']) {
      const run = await sync(connection, task)
      assert.equal(run.status, 'succeeded', run.error ?? '')
    }
    azure.requests.length = 0

    const outcome = await sync(connection)
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
    const teams = await teamsOf(organization.id)
    assert.deepEqual(Object.keys(teams), [
      'Payments|azure_devops',
      'Platform|azure_devops',
      'Radar|azure_devops',
    ])
    assert.deepEqual(teams['Payments|azure_devops'], ['alice@example.com', 'bob@example.com'])
    // the group is not a person
    assert.deepEqual(teams['Platform|azure_devops'], ['bob@example.com', 'carol@example.com'])
    assert.lengthOf(teams['Radar|azure_devops'], 105)

    // alice the team member is alice the pull request author: one contributor, one person
    const alices = await db
      .from('contributors')
      .where('organization_id', organization.id)
      .where('login', 'alice@example.com')
    assert.lengthOf(alices, 1)
    const author = await db.from('pull_requests').where('author_login', 'alice@example.com').first()
    assert.exists(author)
    const payments = await db.from('teams').where('name', 'Payments').first()
    const memberIds = await db
      .from('team_members')
      .where('team_id', payments.id)
      .select('person_id')
    assert.include(
      memberIds.map((row) => Number(row.person_id)),
      Number(alices[0].person_id)
    )

    // one project list, one team list per project, one member page per team (two for Radar)
    const api = azure.requests.filter((request) => /^\/_apis\/projects/i.test(request.path))
    assert.deepEqual(
      api
        .map((request) =>
          request.path.replace(/[0-9a-f-]{36}/g, (id) => {
            if (id === rockets.id) return 'rockets'
            if (id === ground.id) return 'ground'
            return 'team'
          })
        )
        .sort(),
      [
        '/_apis/projects',
        '/_apis/projects/ground/teams',
        '/_apis/projects/ground/teams/team/members',
        '/_apis/projects/ground/teams/team/members',
        '/_apis/projects/rockets/teams',
        '/_apis/projects/rockets/teams/team/members',
        '/_apis/projects/rockets/teams/team/members',
      ]
    )
    const radarPages = api
      .filter((request) => request.path.endsWith('/members') && request.path.includes(ground.id))
      .map((request) => `${request.query.get('$top')}/${request.query.get('$skip')}`)
    assert.deepEqual(radarPages, ['100/0', '100/100'])
    const audit = await db
      .from('audit_events')
      .where('organization_id', organization.id)
      .where('event', 'team.imported')
      .first()
    assert.deepInclude(JSON.parse(audit.metadata), {
      provider: 'azure_devops',
      created: 3,
      added: 109,
    })
  })

  test('the next sync follows Azure DevOps: members leave and join, a renamed team is renamed, people added by hand stay', async ({
    assert,
  }) => {
    const rockets = azure.addProject('Rockets')
    const payments = azure.addTeam(rockets, 'Payments', [person('alice'), person('bob')])
    const organization = await createOrganization()
    const connection = await connectAzure(organization, azure)
    const first = await sync(connection)
    assert.equal(first.status, 'succeeded', first.error ?? '')

    // erin, a person of another provider, added by hand
    const now = new Date()
    const erin = insertedId(
      await db
        .table('people')
        .insert({
          organization_id: organization.id,
          display_name: 'Erin',
          created_at: now,
          updated_at: now,
        })
        .returning('id')
    )!
    await db.table('contributors').insert({
      organization_id: organization.id,
      provider: 'jira',
      external_id: 'erin-1',
      login: 'erin',
      person_id: erin,
      created_at: now,
      updated_at: now,
    })
    const team = await db.from('teams').where('organization_id', organization.id).first()
    await db
      .table('team_members')
      .insert({ organization_id: organization.id, team_id: team.id, person_id: erin })

    payments.members = [person('bob'), person('dave')]
    payments.name = 'Payments & Billing'
    const outcome = await sync(connection)
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
    assert.deepEqual(await teamsOf(organization.id), {
      'Payments & Billing|azure_devops': ['bob@example.com', 'dave@example.com', 'erin'],
    })
    // the same team, found again by its Azure DevOps id
    const again = await db.from('teams').where('organization_id', organization.id)
    assert.lengthOf(again, 1)
    assert.equal(again[0].id, team.id)
  })

  test('a token without "Project and team (read)" imports nothing, says so and the sync succeeds; a dead token still fails', async ({
    assert,
  }) => {
    const rockets = azure.addProject('Rockets')
    azure.addTeam(rockets, 'Payments', [person('alice')])
    azure.state.scopes.delete('vso.project')
    const organization = await createOrganization()
    const connection = await connectAzure(organization, azure)
    const outcome = await sync(connection)
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
    assert.deepEqual(await teamsOf(organization.id), {})
    const run = await db
      .from('sync_runs')
      .where('connection_id', connection.id)
      .where('task', 'teams')
      .orderBy('id', 'desc')
      .first()
    assert.include(run.progress_label, 'lacks "Project and team (read)"')

    azure.state.pat = 'a-revoked-token-0000000000'
    const refused = await sync(connection)
    assert.equal(refused.status, 'failed')
    assert.include(refused.error ?? '', 'expired or was revoked')
    await connection.refresh()
    assert.equal(connection.status, 'error')
  })

  test('a 429 with Retry-After is waited out and the import completes', async ({ assert }) => {
    azure.addTeam(azure.addProject('Rockets'), 'Payments', [person('alice')])
    const organization = await createOrganization()
    const connection = await connectAzure(organization, azure)
    azure.state.throttle = { remaining: 1, retryAfterSeconds: 1 }
    const started = Date.now()
    const outcome = await sync(connection)
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
    assert.isAtLeast(Date.now() - started, 900)
    assert.equal(azure.count(/^\/_apis\/projects$/i), 2)
    assert.deepEqual(await teamsOf(organization.id), {
      'Payments|azure_devops': ['alice@example.com'],
    })
  })

  test('a team imported from Azure DevOps shows its own Executive Summary: its members’ pull requests only', async ({
    assert,
  }) => {
    const rockets = azure.addProject('Rockets')
    azure.addTeam(rockets, 'Payments', [person('alice'), person('bob')])
    const repository = azure.addRepository(rockets, 'engine')
    for (const [author, merged] of [
      ['alice', '2026-11-03T10:00:00Z'],
      ['bob', '2026-11-04T10:00:00Z'],
      ['carol', '2026-11-05T10:00:00Z'],
    ]) {
      azure.addPullRequest(repository, {
        createdBy: person(author),
        status: 'completed',
        closedDate: merged,
      })
    }
    const account = await createAccount({ role: 'member' })
    const connection = await connectAzure(account.organization, azure)
    for (const task of ['repositories', 'pull_requests', 'teams']) {
      const run = await sync(connection, task)
      assert.equal(run.status, 'succeeded', run.error ?? '')
    }
    const team = await db.from('teams').where('organization_id', account.organization.id).first()
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const page = await web.get(
      `/insights?range=custom&from=2026-11-02&to=2026-11-08&team=${publicIds('team').encode(team.id)}`
    )
    assert.equal(page.status, 200)
    assert.include(page.text, 'team Payments')
    const throughput = page.text.split('data-kpi="throughput"')[1].split('</article>')[0]
    assert.match(throughput, /<p class="kpi-value">2<\/p>/)
    const settings = await web.get('/settings/teams')
    assert.include(settings.text, 'Imported from Azure DevOps')
  })
})

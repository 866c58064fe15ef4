import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { insertPullRequest, insertRepository } from '#tests/helpers/insights'
import { publicIds } from '#services/public_id'
import { insertedId } from '#services/sql'
import type Organization from '#models/organization'
import type { FakeGitHub } from './fake_github/server.js'
import { connectInstallation, startGitHub } from './testbed.js'

/**
 * GitHub teams become Sextant teams (#25): the "teams" sync step reads
 * GET /orgs/{org}/teams and each team's members from fake GitHub,
 * writes the members as contributors (so as people) and the teams
 * through the SDK's upsertTeams; the next sync follows GitHub's changes
 * and keeps people added by hand.
 */
test.group('GitHub teams', (group) => {
  let github: FakeGitHub
  let installation = 9100
  group.setup(async () => {
    github = await startGitHub()
    return () => github.stop()
  })
  group.each.setup(resetDatabase())

  async function connected(
    organization: Organization,
    options: { membersPermission?: boolean } = {}
  ) {
    const id = ++installation
    const login = `teams-org-${id}`
    const fake = github.addInstallation({ id, account: { login, type: 'Organization' } })
    fake.membersPermission = options.membersPermission
    const connection = await connectInstallation(organization, id, {
      accountLogin: login,
      accountType: 'Organization',
    })
    return { id, login, connection }
  }

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

  async function syncTeams(connection: Awaited<ReturnType<typeof connected>>['connection']) {
    const [outcome] = await new RunSync().execute({ connection, tasks: ['teams'], trigger: 'cli' })
    return outcome
  }

  test('an organisation’s teams and members are imported, a person in two teams in both', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'member' })
    const { login, connection } = await connected(account.organization)
    github.addTeam(login, { name: 'Payments', members: ['alice', 'bob'] })
    github.addTeam(login, { name: 'Platform', members: ['bob', 'carol'] })
    github.resetRequests()
    const outcome = await syncTeams(connection)
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
    assert.deepEqual(await teamsOf(account.organization.id), {
      'Payments|github': ['alice', 'bob'],
      'Platform|github': ['bob', 'carol'],
    })
    // one list of teams, one list of members per team (beside the token's minting)
    assert.deepEqual(
      github.requests
        .map((request) => request.path.split('?')[0])
        .filter((path) => path.startsWith('/orgs/'))
        .sort(),
      [
        `/orgs/${login}/teams`,
        `/orgs/${login}/teams/payments/members`,
        `/orgs/${login}/teams/platform/members`,
      ]
    )
    const audit = await db
      .from('audit_events')
      .where('organization_id', account.organization.id)
      .where('event', 'team.imported')
      .first()
    assert.deepInclude(JSON.parse(audit.metadata), { provider: 'github', created: 2, added: 4 })
  })

  test('the next sync follows GitHub: members leave and join, a renamed team is renamed, people added by hand stay', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'member' })
    const organizationId = account.organization.id
    const { login, connection } = await connected(account.organization)
    const payments = github.addTeam(login, { name: 'Payments', members: ['alice', 'bob'] })
    await syncTeams(connection)
    // erin, a person of another provider, added by hand
    const now = new Date()
    const erin = insertedId(
      await db
        .table('people')
        .insert({
          organization_id: organizationId,
          display_name: 'Erin',
          created_at: now,
          updated_at: now,
        })
        .returning('id')
    )!
    await db.table('contributors').insert({
      organization_id: organizationId,
      provider: 'jira',
      external_id: 'erin-1',
      login: 'erin',
      person_id: erin,
      created_at: now,
      updated_at: now,
    })
    const team = await db.from('teams').where('organization_id', organizationId).first()
    await db
      .table('team_members')
      .insert({ organization_id: organizationId, team_id: team.id, person_id: erin })

    payments.members = ['bob', 'dave']
    payments.name = 'Payments & Billing'
    const outcome = await syncTeams(connection)
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
    assert.deepEqual(await teamsOf(organizationId), {
      'Payments & Billing|github': ['bob', 'dave', 'erin'],
    })
  })

  test('a team named like one made in Sextant gets the provider in brackets', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'member' })
    const now = new Date()
    await db.table('teams').insert({
      organization_id: account.organization.id,
      name: 'payments',
      created_at: now,
      updated_at: now,
    })
    const { login, connection } = await connected(account.organization)
    github.addTeam(login, { name: 'Payments', members: ['alice'] })
    await syncTeams(connection)
    assert.deepEqual(await teamsOf(account.organization.id), {
      'Payments (github)|github': ['alice'],
      'payments|sextant': [],
    })
  })

  test('an App without "Members: read" imports nothing and the sync still succeeds; a personal account has no teams', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'member' })
    const { login, connection } = await connected(account.organization, {
      membersPermission: false,
    })
    github.addTeam(login, { name: 'Payments', members: ['alice'] })
    const outcome = await syncTeams(connection)
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
    assert.deepEqual(await teamsOf(account.organization.id), {})

    const personal = await createAccount({ role: 'member' })
    const id = ++installation
    github.addInstallation({ id, account: { login: `person-${id}`, type: 'User' } })
    const userConnection = await connectInstallation(personal.organization, id, {
      accountLogin: `person-${id}`,
      accountType: 'User',
    })
    github.resetRequests()
    const skipped = await syncTeams(userConnection)
    assert.equal(skipped.status, 'succeeded', skipped.error ?? '')
    assert.lengthOf(
      github.requests.filter((request) => request.path.startsWith('/orgs/')),
      0
    )
  })

  test('a team imported from GitHub shows its own Executive Summary', async ({ assert }) => {
    const account = await createAccount({ role: 'member' })
    const organizationId = account.organization.id
    const { login, connection } = await connected(account.organization)
    github.addTeam(login, { name: 'Payments', members: ['alice', 'bob'] })
    await syncTeams(connection)
    const repository = await insertRepository(organizationId, 'api')
    for (const [author, merged] of [
      ['alice', '2026-03-03 10:00'],
      ['bob', '2026-03-04 10:00'],
      ['carol', '2026-03-05 10:00'],
    ]) {
      await insertPullRequest(organizationId, repository, {
        opened: '2026-03-02 09:00',
        firstReview: '2026-03-02 15:00',
        merged,
        author,
      })
    }
    const team = await db.from('teams').where('organization_id', organizationId).first()
    const teamId = publicIds('team').encode(team.id)
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const page = await web.get(
      `/insights?range=custom&from=2026-03-02&to=2026-03-08&team=${teamId}`
    )
    assert.equal(page.status, 200)
    assert.include(page.text, 'team Payments')
    const throughput = page.text.split('data-kpi="throughput"')[1].split('</article>')[0]
    assert.match(throughput, /<p class="kpi-value">2<\/p>/)
    const settings = await web.get('/settings/teams')
    assert.include(settings.text, 'Payments')
    assert.include(settings.text, 'Imported from GitHub')
  })
})

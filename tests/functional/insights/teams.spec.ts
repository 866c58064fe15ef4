import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createOrganization } from '#tests/helpers/factories'
import { WebClient } from '#tests/helpers/web_client'
import {
  FIXTURE_WEEK,
  buildSmallFixture,
  insertCommit,
  insertPullRequest,
} from '#tests/helpers/insights'
import { publicIds } from '#services/public_id'
import type { RoleName } from '#services/authorization'

const WEEK = `from=${FIXTURE_WEEK.from}&to=${FIXTURE_WEEK.to}`
const teamIds = publicIds('team')
const personIds = publicIds('person')

async function signedIn(role: RoleName) {
  const account = await createAccount({ role })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  return { account, organizationId: account.organization.id, web }
}

/** a person of the organisation owning one provider identity */
async function insertPerson(organizationId: number, name: string, login: string) {
  const [inserted] = await db
    .table('people')
    .insert({
      organization_id: organizationId,
      display_name: name,
      created_at: new Date(),
      updated_at: new Date(),
    })
    .returning('id')
  const id = Number(typeof inserted === 'object' ? inserted.id : inserted)
  await db.table('contributors').insert({
    organization_id: organizationId,
    provider: 'github',
    external_id: `${login}-1`,
    login,
    person_id: id,
    created_at: new Date(),
    updated_at: new Date(),
  })
  return { id, publicId: personIds.encode(id) }
}

async function teamsOf(organizationId: number) {
  return db.from('teams').where('organization_id', organizationId).select('id', 'name')
}

async function membersOf(teamId: number) {
  const rows = await db.from('team_members').where('team_id', teamId).select('person_id')
  return rows.map((row) => Number(row.person_id))
}

function shownTotal(html: string) {
  const match = html.match(/data-testid="drill-total"><strong>(\d+)<\/strong>/)
  if (!match) throw new Error('no total on the list')
  return Number(match[1])
}

test.group('Teams | Settings → Teams', (group) => {
  group.each.setup(resetDatabase())

  test('an admin creates a team, adds and removes people, renames and deletes it', async ({
    assert,
  }) => {
    const { organizationId, web } = await signedIn('admin')
    const zoe = await insertPerson(organizationId, 'Zoe', 'zoe')
    await web.get('/settings/teams')
    const created = await web.post('/settings/teams', { name: 'Payments' })
    assert.equal(created.status, 302)
    const [team] = await teamsOf(organizationId)
    assert.equal(team.name, 'Payments')
    const teamId = teamIds.encode(team.id)

    await web.get('/settings/teams')
    await web.post(`/settings/teams/${teamId}/members`, { person: zoe.publicId })
    assert.deepEqual(await membersOf(team.id), [zoe.id])
    const page = await web.get('/settings/teams')
    assert.include(page.text, `data-team="${teamId}"`)
    assert.include(page.text, `data-person="${zoe.publicId}"`)
    assert.notInclude(page.text, `data-team="${team.id}"`)

    await web.post(`/settings/teams/${teamId}/members/${zoe.publicId}/remove`)
    assert.deepEqual(await membersOf(team.id), [])
    await web.get('/settings/teams')
    await web.post(`/settings/teams/${teamId}`, { name: 'Billing' })
    assert.equal((await teamsOf(organizationId))[0].name, 'Billing')
    await web.get('/settings/teams')
    await web.post(`/settings/teams/${teamId}/delete`)
    assert.lengthOf(await teamsOf(organizationId), 0)
    const person = await db.from('people').where('id', zoe.id).first()
    assert.exists(person, 'deleting a team keeps its people')
    const events = await db
      .from('audit_events')
      .where('organization_id', organizationId)
      .where('event', 'like', 'team.%')
      .select('event')
    assert.sameMembers(
      events.map((row) => row.event),
      ['team.created', 'team.member_added', 'team.member_removed', 'team.renamed', 'team.deleted']
    )
  })

  test('an htmx write answers with HX-Location back to the page', async ({ assert }) => {
    const { organizationId, web } = await signedIn('admin')
    await web.get('/settings/teams')
    const response = await web.post(
      '/settings/teams',
      { name: 'Platform' },
      { headers: { 'HX-Request': 'true' } }
    )
    assert.equal(response.status, 204)
    assert.equal(response.headers.get('hx-location'), '/settings/teams')
    assert.lengthOf(await teamsOf(organizationId), 1)
  })

  test('a blank or duplicate name is refused inline with a 422 and nothing written', async ({
    assert,
  }) => {
    const { organizationId, web } = await signedIn('admin')
    await web.get('/settings/teams')
    await web.post('/settings/teams', { name: 'Platform' })
    await web.get('/settings/teams')
    const duplicate = await web.post('/settings/teams', { name: 'platform' })
    assert.equal(duplicate.status, 422)
    assert.include(duplicate.text, 'A team named “platform” already exists.')
    await web.get('/settings/teams')
    const blank = await web.post('/settings/teams', { name: '   ' })
    assert.equal(blank.status, 422)
    assert.include(blank.text, 'Give the team a name of 1 to 120 characters.')
    assert.lengthOf(await teamsOf(organizationId), 1)
  })

  test('a person of another organisation cannot be added to a team', async ({ assert }) => {
    const { organizationId, web } = await signedIn('admin')
    const other = await createOrganization()
    const stranger = await insertPerson(other.id, 'Stranger', 'stranger')
    await web.get('/settings/teams')
    await web.post('/settings/teams', { name: 'Platform' })
    const [team] = await teamsOf(organizationId)
    await web.get('/settings/teams')
    const response = await web.post(`/settings/teams/${teamIds.encode(team.id)}/members`, {
      person: stranger.publicId,
    })
    assert.equal(response.status, 422)
    assert.include(response.text, 'Choose one of the organisation’s people.')
    assert.deepEqual(await membersOf(team.id), [])
  })

  test('another organisation’s team is a 404 and stays as it was', async ({ assert }) => {
    const { web } = await signedIn('admin')
    const other = await createOrganization()
    const [inserted] = await db
      .table('teams')
      .insert({
        organization_id: other.id,
        name: 'Theirs',
        created_at: new Date(),
        updated_at: new Date(),
      })
      .returning('id')
    const theirs = Number(typeof inserted === 'object' ? inserted.id : inserted)
    await web.get('/settings/teams')
    const rename = await web.post(`/settings/teams/${teamIds.encode(theirs)}`, { name: 'Mine' })
    assert.equal(rename.status, 404)
    await web.get('/settings/teams')
    const remove = await web.post(`/settings/teams/${teamIds.encode(theirs)}/delete`)
    assert.equal(remove.status, 404)
    const row = await db.from('teams').where('id', theirs).first()
    assert.equal(row.name, 'Theirs')
  })

  test('a member sees the teams but cannot change them', async ({ assert }) => {
    const { organizationId, web } = await signedIn('member')
    const page = await web.get('/settings/teams')
    assert.equal(page.status, 200)
    assert.notInclude(page.text, 'Create team')
    const response = await web.post('/settings/teams', { name: 'Sneaky' })
    assert.equal(response.status, 403)
    assert.lengthOf(await teamsOf(organizationId), 0)
  })
})

test.group('Teams | the pull request list for a team', (group) => {
  group.each.setup(resetDatabase())

  test('a team filter lists only the merged pull requests of its people', async ({ assert }) => {
    const { organizationId, web } = await signedIn('admin')
    const fixture = await buildSmallFixture(organizationId)
    const zoe = await insertPerson(organizationId, 'Zoe', 'zoe')
    await insertPerson(organizationId, 'Yan', 'yan')
    for (const [author, merged] of [
      ['zoe', '2026-03-03 10:00'],
      ['zoe', '2026-03-04 10:00'],
      ['yan', '2026-03-04 11:00'],
    ]) {
      await insertPullRequest(organizationId, fixture.beta, {
        opened: '2026-03-02 09:00',
        merged,
        author,
      })
    }
    await web.get('/settings/teams')
    await web.post('/settings/teams', { name: 'Payments' })
    const [team] = await teamsOf(organizationId)
    const teamId = teamIds.encode(team.id)
    await web.get('/settings/teams')
    await web.post(`/settings/teams/${teamId}/members`, { person: zoe.publicId })

    const everyone = await web.get(`/insights/pull-requests?${WEEK}`)
    const byTeam = await web.get(`/insights/pull-requests?${WEEK}&team=${teamId}`)
    assert.equal(byTeam.status, 200)
    assert.equal(shownTotal(byTeam.text), 2)
    assert.isAbove(shownTotal(everyone.text), 2)
    assert.include(byTeam.text, `<option value="${teamId}" selected>Payments</option>`)
  })

  test('another organisation’s team selects no pull request', async ({ assert }) => {
    const { organizationId, web } = await signedIn('admin')
    const fixture = await buildSmallFixture(organizationId)
    const zoe = await insertPerson(organizationId, 'Zoe', 'zoe')
    await insertPullRequest(organizationId, fixture.beta, {
      opened: '2026-03-02 09:00',
      merged: '2026-03-03 10:00',
      author: 'zoe',
    })
    const other = await createOrganization()
    const [inserted] = await db
      .table('teams')
      .insert({
        organization_id: other.id,
        name: 'T',
        created_at: new Date(),
        updated_at: new Date(),
      })
      .returning('id')
    const theirs = Number(typeof inserted === 'object' ? inserted.id : inserted)
    // a forged membership row pointing their team at our person
    await db
      .table('team_members')
      .insert({ organization_id: other.id, team_id: theirs, person_id: zoe.id })
    const page = await web.get(`/insights/pull-requests?${WEEK}&team=${teamIds.encode(theirs)}`)
    assert.equal(page.status, 200)
    assert.equal(shownTotal(page.text), 0)
  })

  test('the first-review and commit lists narrow to the team’s people too', async ({ assert }) => {
    const { organizationId, web } = await signedIn('admin')
    const fixture = await buildSmallFixture(organizationId)
    const zoe = await insertPerson(organizationId, 'Zoe', 'zoe')
    await insertPullRequest(organizationId, fixture.beta, {
      opened: '2026-03-02 09:00',
      firstReview: '2026-03-03 09:00',
      author: 'zoe',
    })
    await insertCommit(organizationId, fixture.beta, {
      committed: '2026-03-03 10:00',
      author: 'zoe',
    })
    await web.get('/settings/teams')
    await web.post('/settings/teams', { name: 'Payments' })
    const [team] = await teamsOf(organizationId)
    const teamId = teamIds.encode(team.id)
    await web.get('/settings/teams')
    await web.post(`/settings/teams/${teamId}/members`, { person: zoe.publicId })
    for (const list of ['first-reviews', 'commits']) {
      const everyone = await web.get(`/insights/${list}?${WEEK}`)
      const byTeam = await web.get(`/insights/${list}?${WEEK}&team=${teamId}`)
      assert.equal(byTeam.status, 200, list)
      assert.equal(shownTotal(byTeam.text), 1, list)
      assert.isAbove(shownTotal(everyone.text), 1, list)
      assert.include(byTeam.text, `name="team" value="${teamId}"`, list)
    }
  })
})

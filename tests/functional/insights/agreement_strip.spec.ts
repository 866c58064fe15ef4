import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { insertProduct, insertPullRequest, insertRepository } from '#tests/helpers/insights'
import { insertedId } from '#services/sql'
import { publicIds } from '#services/public_id'
import { teamIds } from '#actions/teams/find_team'
import CheckWorkingAgreements from '#actions/agreements/check_working_agreements'

/**
 * Issue #25, "each page shows adherence over time": the Executive
 * Summary, its team view, Product Detail and Compliance Detail show each
 * working agreement's last eight weeks in a compact strip, read from what
 * the daily check (and the setting of an agreement) recorded, cached with
 * the page's fragments.
 */

/** ten pull requests of alice's, ready three days ago: seven reviewed after 2 h, three after 30 h */
async function tenPullRequests(organizationId: number) {
  const repositoryId = await insertRepository(organizationId, 'api')
  const ready = new Date(Date.now() - 3 * 24 * 3_600_000)
  const moment = (hours: number) =>
    new Date(ready.getTime() + hours * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')
  for (let index = 0; index < 10; index++) {
    await insertPullRequest(organizationId, repositoryId, {
      opened: moment(0),
      firstReview: moment(index < 7 ? 2 : 30),
      author: 'alice',
    })
  }
  return repositoryId
}

/** a team whose one person is alice */
async function platformTeam(organizationId: number) {
  const now = new Date()
  const teamId = insertedId(
    await db
      .table('teams')
      .insert({
        organization_id: organizationId,
        name: 'Platform',
        created_at: now,
        updated_at: now,
      })
      .returning('id')
  )!
  const personId = insertedId(
    await db
      .table('people')
      .insert({
        organization_id: organizationId,
        display_name: 'Alice',
        created_at: now,
        updated_at: now,
      })
      .returning('id')
  )!
  await db.table('contributors').insert({
    organization_id: organizationId,
    provider: 'github',
    external_id: 'alice',
    login: 'alice',
    person_id: personId,
    created_at: now,
    updated_at: now,
  })
  await db
    .table('team_members')
    .insert({ organization_id: organizationId, team_id: teamId, person_id: personId })
  return teamIds.encode(teamId)
}

async function admin() {
  const account = await createAccount({ role: 'admin' })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  await web.get('/settings/insights/agreements')
  return { organizationId: account.organization.id, web }
}

async function agree(web: WebClient, targetPercent: number, team = '') {
  const created = await web.post('/settings/insights/agreements', {
    kind: 'first_review_within_hours',
    threshold: '24',
    targetPercent: String(targetPercent),
    team,
  })
  if (created.status !== 302) throw new Error(`agreement refused: ${created.status}`)
}

/** the strip's rows: each agreement's text and its week cells, oldest first */
function strip(html: string) {
  const section = html.split('data-testid="agreement-strip"')[1]?.split('</section>')[0]
  if (!section) return null
  return [...section.matchAll(/<li data-agreement="[^"]+">([\s\S]*?)<\/ol>/g)].map((row) => ({
    text: row[1]
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
    cells: [...row[1].matchAll(/agreement-strip-cell--(\w+)"[^>]*>([^<]*)</g)].map(
      (cell) => `${cell[2]} ${cell[1]}`
    ),
  }))
}

/** the cells that measured something */
function measured(cells: string[]) {
  return cells.filter((cell) => !cell.endsWith(' none'))
}

test.group('Insights pages | adherence strip', (group) => {
  group.each.setup(resetDatabase())

  test('an agreement set on the settings page shows its eight weeks on the Executive Summary at once: 7 of 10 reads 70%, below target', async ({
    assert,
  }) => {
    const { organizationId, web } = await admin()
    await tenPullRequests(organizationId)
    await agree(web, 90)

    const rows = strip((await web.get('/insights')).text)!
    assert.lengthOf(rows, 1)
    assert.include(rows[0].text, 'First review within 24 h target 90%')
    assert.include(rows[0].text, '7 of 10, below target')
    assert.lengthOf(rows[0].cells, 8)
    assert.deepEqual(measured(rows[0].cells), ['70% missed'])
    assert.equal(rows[0].cells.filter((cell) => cell === '– none').length, 7)
  })

  test("the team view shows the team's agreements, the organisation's pages the organisation's", async ({
    assert,
  }) => {
    const { organizationId, web } = await admin()
    const repositoryId = await tenPullRequests(organizationId)
    const product = await insertProduct(organizationId, 'Core', [repositoryId])
    const team = await platformTeam(organizationId)
    await agree(web, 90)
    await agree(web, 60, team)
    const productPath = `/insights/products/${publicIds('product').encode(product)}`

    for (const path of ['/insights', productPath, '/insights/compliance']) {
      const rows = strip((await web.get(path)).text)
      assert.isNotNull(rows, path)
      assert.lengthOf(rows!, 1, path)
      assert.deepEqual(measured(rows![0].cells), ['70% missed'], path)
    }
    for (const path of [`/insights?team=${team}`, `${productPath}?team=${team}`]) {
      const rows = strip((await web.get(path)).text)!
      assert.lengthOf(rows, 1, path)
      assert.include(rows[0].text, 'target 60%', path)
      assert.deepEqual(measured(rows[0].cells), ['70% held'], path)
    }
  })

  test('the strip is cached with the page until the daily check records a new figure', async ({
    assert,
  }) => {
    const { organizationId, web } = await admin()
    await tenPullRequests(organizationId)
    await agree(web, 90)
    assert.deepEqual(measured(strip((await web.get('/insights')).text)![0].cells), ['70% missed'])

    // the late reviews turn out to have come on time: nothing told the pages yet
    await db
      .from('pull_requests')
      .where('organization_id', organizationId)
      .update({ first_review_at: db.raw('opened_at') })
    assert.deepEqual(measured(strip((await web.get('/insights')).text)![0].cells), ['70% missed'])

    await new CheckWorkingAgreements().execute({ organizationId })
    assert.deepEqual(measured(strip((await web.get('/insights')).text)![0].cells), ['100% held'])
  })

  test('a removed agreement leaves the strip at once; with none, there is no strip', async ({
    assert,
  }) => {
    const { organizationId, web } = await admin()
    await tenPullRequests(organizationId)
    await agree(web, 90)
    assert.isNotNull(strip((await web.get('/insights')).text))

    const page = await web.get('/settings/insights/agreements')
    const action = /action="(\/settings\/insights\/agreements\/[^/]+\/delete)"/.exec(page.text)![1]
    const removed = await web.post(action)
    assert.equal(removed.status, 302)
    const after = await web.get('/insights')
    assert.equal(after.status, 200)
    assert.isNull(strip(after.text))
    assert.notInclude(after.text, 'id="agreement-strip-heading"')
  })
})

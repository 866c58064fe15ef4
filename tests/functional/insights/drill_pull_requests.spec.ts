import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import {
  FIXTURE_WEEK,
  buildSmallFixture,
  insertPullRequest,
  insertRepository,
} from '#tests/helpers/insights'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { summarizeMetrics } from '#services/insights/metrics'
import { publicIds } from '#services/public_id'
import db from '@adonisjs/lucid/services/db'

const WEEK = `from=${FIXTURE_WEEK.from}&to=${FIXTURE_WEEK.to}`

async function signedInWithFixture() {
  const account = await createAccount({ role: 'member' })
  const organizationId = account.organization.id
  const fixture = await buildSmallFixture(organizationId)
  // a bot's merged pull request: left out of the KPI, so out of the list
  await insertPullRequest(organizationId, fixture.alpha, {
    opened: '2026-03-03 09:00',
    merged: '2026-03-03 10:00',
    author: 'dependabot[bot]',
  })
  await new RollUpMetrics().execute({ organizationId })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  return { account, organizationId, fixture, web }
}

function shownTotal(html: string) {
  const match = html.match(/data-testid="drill-total"><strong>(\d+)<\/strong>/)
  if (!match) throw new Error('no total on the list')
  return Number(match[1])
}

function rowCount(html: string) {
  return html.split('data-testid="drill-row"').length - 1
}

test.group('Insights drill-down | merged pull requests', (group) => {
  group.each.setup(resetDatabase())

  test('the list shows exactly the merged pull requests the KPI counts', async ({ assert }) => {
    const { organizationId, web } = await signedInWithFixture()
    const kpi = await summarizeMetrics({ organizationId, ...FIXTURE_WEEK })
    const page = await web.get(`/insights/pull-requests?${WEEK}`)
    assert.equal(page.status, 200)
    assert.isAbove(kpi.pullRequestsMerged, 0)
    assert.equal(shownTotal(page.text), kpi.pullRequestsMerged)
    assert.equal(rowCount(page.text), kpi.pullRequestsMerged)
    assert.notInclude(page.text, 'dependabot[bot]')
  })

  test('a product filter narrows the list to the product KPI', async ({ assert }) => {
    const { organizationId, fixture, web } = await signedInWithFixture()
    const kpi = await summarizeMetrics({ organizationId, productId: fixture.core, ...FIXTURE_WEEK })
    const product = publicIds('product').encode(fixture.core)
    const page = await web.get(`/insights/pull-requests?${WEEK}&product=${product}`)
    assert.equal(shownTotal(page.text), kpi.pullRequestsMerged)
    const all = await summarizeMetrics({ organizationId, ...FIXTURE_WEEK })
    assert.isBelow(kpi.pullRequestsMerged, all.pullRequestsMerged)
  })

  test('a person filter lists the merged pull requests of their identities', async ({ assert }) => {
    const { organizationId, fixture, web } = await signedInWithFixture()
    // per-person figures are hidden by default; this organisation shows them
    await db.from('organizations').where('id', organizationId).update({ per_person_figures: true })
    const [personId] = await db
      .table('people')
      .insert({
        organization_id: organizationId,
        display_name: 'Zoe',
        created_at: new Date(),
        updated_at: new Date(),
      })
      .returning('id')
    const person = typeof personId === 'object' ? personId.id : personId
    await db.table('contributors').insert({
      organization_id: organizationId,
      provider: 'github',
      external_id: 'zoe-1',
      login: 'zoe',
      person_id: person,
      created_at: new Date(),
      updated_at: new Date(),
    })
    for (const merged of ['2026-03-03 10:00', '2026-03-04 10:00', '2026-03-20 10:00']) {
      await insertPullRequest(organizationId, fixture.beta, {
        opened: '2026-03-02 09:00',
        merged,
        author: 'zoe',
      })
    }
    const byPerson = await web.get(
      `/insights/pull-requests?${WEEK}&person=${publicIds('person').encode(person)}`
    )
    assert.equal(shownTotal(byPerson.text), 2)
    const byLogin = await web.get(`/insights/pull-requests?${WEEK}&author=zoe`)
    assert.equal(shownTotal(byLogin.text), 2)
    const nobody = await web.get(
      `/insights/pull-requests?${WEEK}&person=${publicIds('person').encode(person + 1000)}`
    )
    assert.equal(shownTotal(nobody.text), 0)
  })

  test('a repository filter narrows the list to the repository KPI', async ({ assert }) => {
    const { organizationId, fixture, web } = await signedInWithFixture()
    const kpi = await summarizeMetrics({
      organizationId,
      repositoryId: fixture.beta,
      ...FIXTURE_WEEK,
    })
    const repository = publicIds('repository').encode(fixture.beta)
    const page = await web.get(`/insights/pull-requests?${WEEK}&repository=${repository}`)
    assert.equal(shownTotal(page.text), kpi.pullRequestsMerged)
  })

  test('the Executive Summary KPI links to its list', async ({ assert }) => {
    const { web } = await signedInWithFixture()
    const page = await web.get(`/insights?range=custom&${WEEK}`)
    assert.include(page.text, `href="/insights/pull-requests?${WEEK.replace('&', '&amp;')}"`)
  })

  test('rows of another organisation never appear', async ({ assert }) => {
    const { organizationId, web } = await signedInWithFixture()
    const other = await createAccount({ role: 'member' })
    const otherRepository = await insertRepository(other.organization.id, 'secret-repo')
    await insertPullRequest(other.organization.id, otherRepository, {
      opened: '2026-03-03 09:00',
      merged: '2026-03-03 10:00',
      author: 'outsider',
    })
    const kpi = await summarizeMetrics({ organizationId, ...FIXTURE_WEEK })
    const page = await web.get(`/insights/pull-requests?${WEEK}`)
    assert.notInclude(page.text, 'secret-repo')
    assert.equal(shownTotal(page.text), kpi.pullRequestsMerged)
    // the other organisation's repository by public id lists nothing
    const foreign = publicIds('repository').encode(otherRepository)
    const fenced = await web.get(`/insights/pull-requests?${WEEK}&repository=${foreign}`)
    assert.equal(shownTotal(fenced.text), 0)
  })

  test('the CSV export holds the same rows, links and a formula guard', async ({ assert }) => {
    const { organizationId, web } = await signedInWithFixture()
    await db
      .from('pull_requests')
      .where('organization_id', organizationId)
      .whereNotNull('merged_at')
      .update({ title: '=HYPERLINK("http://evil")', url: 'https://github.com/acme/alpha/pull/1' })
    const kpi = await summarizeMetrics({ organizationId, ...FIXTURE_WEEK })
    const csv = await web.get(`/insights/pull-requests?${WEEK}&format=csv`)
    assert.equal(csv.status, 200)
    assert.include(csv.headers.get('content-type') ?? '', 'text/csv')
    const lines = csv.text.trim().split('\r\n')
    assert.equal(lines.length - 1, kpi.pullRequestsMerged)
    assert.include(csv.text, `"'=HYPERLINK(""http://evil"")"`)
    assert.include(csv.text, 'https://github.com/acme/alpha/pull/1')
    const page = await web.get(`/insights/pull-requests?${WEEK}`)
    assert.include(page.text, 'href="https://github.com/acme/alpha/pull/1"')
  })

  test('htmx gets the list alone from the same URL, with Vary: HX-Request', async ({ assert }) => {
    const { web } = await signedInWithFixture()
    const partial = await web.get(`/insights/pull-requests?${WEEK}`, { 'HX-Request': 'true' })
    assert.equal(partial.status, 200)
    assert.include(partial.headers.get('vary') ?? '', 'HX-Request')
    assert.match(partial.text.trim(), /^<div id="drill-list">/)
    assert.notInclude(partial.text, '<html')
  })

  test('a bad filter answers 422 with the message and the default list', async ({ assert }) => {
    const { web } = await signedInWithFixture()
    const page = await web.get('/insights/pull-requests?from=0000-13-99&sort=nonsense')
    assert.equal(page.status, 422)
    assert.include(page.text, 'This filter could not be used')
    const blank = await web.get(`/insights/pull-requests?${WEEK}&provider=&sort=`)
    assert.equal(blank.status, 200)
    const reversed = await web.get('/insights/pull-requests?from=2026-03-08&to=2026-03-02')
    assert.equal(reversed.status, 422)
    assert.include(reversed.text, 'The start day must come before the end day')
  })

  test('sorts by size and paginates 50 a page', async ({ assert }) => {
    const { organizationId, fixture, web } = await signedInWithFixture()
    for (let index = 0; index < 55; index++) {
      await insertPullRequest(organizationId, fixture.beta, {
        opened: '2026-03-04 09:00',
        merged: '2026-03-04 10:00',
        additions: index,
        deletions: 0,
        author: 'dev',
      })
    }
    await new RollUpMetrics().execute({ organizationId })
    const kpi = await summarizeMetrics({ organizationId, ...FIXTURE_WEEK })
    const first = await web.get(`/insights/pull-requests?${WEEK}&sort=-size`)
    assert.equal(shownTotal(first.text), kpi.pullRequestsMerged)
    assert.equal(rowCount(first.text), 50)
    const second = await web.get(`/insights/pull-requests?${WEEK}&sort=-size&page=2`)
    assert.equal(rowCount(second.text), kpi.pullRequestsMerged - 50)
    assert.include(first.text, 'Page 1 of 2')
  })
})

test.group('Insights drill-down | table rows', (group) => {
  group.each.setup(resetDatabase())

  test('product, repository and severity rows link to the rows behind them', async ({ assert }) => {
    const { fixture, web } = await signedInWithFixture()
    const product = publicIds('product').encode(fixture.core)
    const alpha = publicIds('repository').encode(fixture.alpha)
    const query = WEEK.replace('&', '&amp;')
    const summary = await web.get(`/insights?range=custom&${WEEK}`)
    assert.include(summary.text, `href="/insights/pull-requests?${query}&amp;product=${product}"`)
    assert.include(summary.text, `href="/insights/vulnerabilities?${query}&amp;severity=critical"`)
    const detail = await web.get(`/insights/products/${product}?range=custom&${WEEK}`)
    assert.include(detail.text, `href="/insights/pull-requests?${query}&amp;repository=${alpha}"`)
    assert.include(
      detail.text,
      `href="/insights/vulnerabilities?${query}&amp;severity=high&amp;product=${product}"`
    )
  })
})

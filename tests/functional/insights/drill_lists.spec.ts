import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import {
  FIXTURE_WEEK,
  buildSmallFixture,
  insertDeployment,
  insertIssue,
  insertRepository,
  insertVulnerability,
} from '#tests/helpers/insights'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { summarizeMetrics } from '#services/insights/metrics'
import { vulnerabilityOverview } from '#services/insights/activity'
import { publicIds } from '#services/public_id'
import { evaluateControl } from '#services/insights/compliance'

const WEEK = `from=${FIXTURE_WEEK.from}&to=${FIXTURE_WEEK.to}`

async function signedInWithFixture() {
  const account = await createAccount({ role: 'member' })
  const organizationId = account.organization.id
  const fixture = await buildSmallFixture(organizationId)
  await new RollUpMetrics().execute({ organizationId })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  return { account, organizationId, fixture, web }
}

/** another organisation with one row of each kind in the fixture week */
async function otherOrganizationRows() {
  const other = await createAccount({ role: 'member' })
  const organizationId = other.organization.id
  const repository = await insertRepository(organizationId, 'secret-repo')
  await insertDeployment(organizationId, repository, { started: '2026-03-03 10:00' })
  await insertIssue(organizationId, repository, { opened: '2026-03-03 10:00', type: 'bug' })
  await insertVulnerability(organizationId, repository, {
    severity: 'critical',
    introduced: '2026-03-01 10:00',
  })
  return repository
}

function shownTotal(html: string) {
  const match = html.match(/data-testid="drill-total"><strong>(\d+)<\/strong>/)
  if (!match) throw new Error('no total on the list')
  return Number(match[1])
}

function rowCount(html: string) {
  return html.split('data-testid="drill-row"').length - 1
}

test.group('Insights drill-down | deployments, issues, vulnerabilities', (group) => {
  group.each.setup(resetDatabase())

  test('the deployments list holds the deployments the DORA KPIs count', async ({ assert }) => {
    const { organizationId, web } = await signedInWithFixture()
    const kpi = await summarizeMetrics({ organizationId, ...FIXTURE_WEEK })
    assert.isAbove(kpi.deployments, 0)
    const all = await web.get(`/insights/deployments?${WEEK}`)
    assert.equal(all.status, 200)
    assert.equal(shownTotal(all.text), kpi.deployments)
    assert.equal(rowCount(all.text), kpi.deployments)
    const failed = await web.get(`/insights/deployments?${WEEK}&failed=1`)
    assert.equal(shownTotal(failed.text), kpi.failedDeployments)
  })

  test('a product narrows the deployments to the product KPI', async ({ assert }) => {
    const { organizationId, fixture, web } = await signedInWithFixture()
    const kpi = await summarizeMetrics({ organizationId, productId: fixture.core, ...FIXTURE_WEEK })
    const product = publicIds('product').encode(fixture.core)
    const page = await web.get(`/insights/deployments?${WEEK}&product=${product}`)
    assert.equal(shownTotal(page.text), kpi.deployments)
  })

  test('the issues list holds the issues and bugs the bug rate counts', async ({ assert }) => {
    const { organizationId, web } = await signedInWithFixture()
    const kpi = await summarizeMetrics({ organizationId, ...FIXTURE_WEEK })
    const all = await web.get(`/insights/issues?${WEEK}`)
    assert.equal(shownTotal(all.text), kpi.issuesOpened)
    const bugs = await web.get(`/insights/issues?${WEEK}&type=bug`)
    assert.equal(shownTotal(bugs.text), kpi.bugsOpened)
  })

  test('the vulnerabilities list holds the open vulnerabilities of the overview', async ({
    assert,
  }) => {
    const { organizationId, fixture, web } = await signedInWithFixture()
    const overview = await vulnerabilityOverview({ organizationId, ...FIXTURE_WEEK })
    assert.isAbove(overview.total, 0)
    const all = await web.get(`/insights/vulnerabilities?${WEEK}`)
    assert.equal(shownTotal(all.text), overview.total)
    const critical = await web.get(`/insights/vulnerabilities?${WEEK}&severity=critical`)
    assert.equal(shownTotal(critical.text), overview.bySeverity.critical.open)
    const byRepository = await vulnerabilityOverview({
      organizationId,
      repositoryId: fixture.beta,
      ...FIXTURE_WEEK,
    })
    const beta = publicIds('repository').encode(fixture.beta)
    const narrowed = await web.get(`/insights/vulnerabilities?${WEEK}&repository=${beta}`)
    assert.equal(shownTotal(narrowed.text), byRepository.total)
  })

  test("another organisation's rows never appear in any list", async ({ assert }) => {
    const { organizationId, web } = await signedInWithFixture()
    const foreign = await otherOrganizationRows()
    const kpi = await summarizeMetrics({ organizationId, ...FIXTURE_WEEK })
    const overview = await vulnerabilityOverview({ organizationId, ...FIXTURE_WEEK })
    const expected: Record<string, number> = {
      deployments: kpi.deployments,
      issues: kpi.issuesOpened,
      vulnerabilities: overview.total,
    }
    const foreignId = publicIds('repository').encode(foreign)
    for (const [path, total] of Object.entries(expected)) {
      const page = await web.get(`/insights/${path}?${WEEK}`)
      assert.equal(shownTotal(page.text), total, path)
      assert.notInclude(page.text, 'secret-repo')
      const fenced = await web.get(`/insights/${path}?${WEEK}&repository=${foreignId}`)
      assert.equal(shownTotal(fenced.text), 0, path)
    }
  })

  test('each list exports CSV with the formula guard and links to the provider', async ({
    assert,
  }) => {
    const { organizationId, web } = await signedInWithFixture()
    await db
      .from('issues')
      .where('organization_id', organizationId)
      .update({ title: '@SUM(A1)', url: 'https://acme.atlassian.net/browse/X-1' })
    const kpi = await summarizeMetrics({ organizationId, ...FIXTURE_WEEK })
    const csv = await web.get(`/insights/issues?${WEEK}&format=csv`)
    assert.equal(csv.status, 200)
    assert.include(csv.headers.get('content-type') ?? '', 'text/csv')
    assert.equal(csv.text.trim().split('\r\n').length - 1, kpi.issuesOpened)
    assert.include(csv.text, `'@SUM(A1)`)
    const page = await web.get(`/insights/issues?${WEEK}`)
    assert.include(page.text, 'href="https://acme.atlassian.net/browse/X-1"')
    const deployments = await web.get(`/insights/deployments?${WEEK}&format=csv`)
    assert.equal(deployments.text.trim().split('\r\n').length - 1, kpi.deployments)
  })

  test('htmx gets the list alone; bad filters answer 422 inline', async ({ assert }) => {
    const { web } = await signedInWithFixture()
    const partial = await web.get(`/insights/deployments?${WEEK}`, { 'HX-Request': 'true' })
    assert.include(partial.headers.get('vary') ?? '', 'HX-Request')
    assert.match(partial.text.trim(), /^<div id="drill-list">/)
    const bad = await web.get('/insights/vulnerabilities?severity=apocalyptic')
    assert.equal(bad.status, 422)
    assert.include(bad.text, 'This filter could not be used')
    const blank = await web.get(`/insights/deployments?${WEEK}&provider=&failed=&sort=`)
    assert.equal(blank.status, 200)
    assert.notInclude(blank.text, 'This filter could not be used')
    const reversed = await web.get('/insights/issues?from=2026-03-08&to=2026-03-02')
    assert.equal(reversed.status, 422)
  })

  test('the KPI cards and the security panel link to their lists', async ({ assert }) => {
    const { web } = await signedInWithFixture()
    const page = await web.get(`/insights?range=custom&${WEEK}`)
    const query = WEEK.replace('&', '&amp;')
    assert.include(page.text, `href="/insights/deployments?${query}"`)
    assert.include(page.text, `href="/insights/deployments?${query}&amp;failed=1"`)
    assert.include(page.text, `href="/insights/issues?${query}&amp;type=bug"`)
    assert.include(page.text, `href="/insights/vulnerabilities?${query}"`)
  })

  test('the compliance evidence "Open vulnerabilities" opens their list', async ({ assert }) => {
    type Facts = Parameters<typeof evaluateControl>[2]
    const facts = { remediationSla: [], vulnerabilities: 3, overdue: 1 } as unknown as Facts
    const verdict = evaluateControl('vulnerability_sla', 'SOC2-CC7.1', facts)
    assert.deepEqual(verdict.evidence, [
      { label: 'Open vulnerabilities', href: '/insights/vulnerabilities' },
    ])
    const { web } = await signedInWithFixture()
    const list = await web.get(verdict.evidence[0].href)
    assert.equal(list.status, 200)
    assert.include(list.text, 'data-testid="drill-total"')
  })
})

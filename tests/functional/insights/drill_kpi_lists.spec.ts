import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { FencedDomainStore } from '#services/domain/domain_store'
import type { CommitInput, DeploymentInput } from '#plugin-sdk'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import {
  FIXTURE_WEEK,
  buildSmallFixture,
  insertCommit,
  insertDeployment,
  insertPullRequest,
  insertRepository,
} from '#tests/helpers/insights'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { activeContributors, summarizeMetrics } from '#services/insights/metrics'
import { formatHours, formatPercent } from '#services/insights_pages/format'
import { publicIds } from '#services/public_id'

/**
 * The lists behind time to first review, lead time, the AI-assisted
 * share and the active contributors: each lists exactly the sample its
 * KPI is computed from, and shows the KPI's figure over those rows.
 */
const WEEK = `from=${FIXTURE_WEEK.from}&to=${FIXTURE_WEEK.to}`

async function signedInWithFixture() {
  const account = await createAccount({ role: 'member' })
  const organizationId = account.organization.id
  const fixture = await buildSmallFixture(organizationId)
  await new RollUpMetrics().execute({ organizationId })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  return { organizationId, fixture, web }
}

function shownTotal(html: string) {
  const match = html.match(/data-testid="drill-total"><strong>(\d+)<\/strong>/)
  if (!match) throw new Error('no total on the list')
  return Number(match[1])
}

function shownSummary(html: string) {
  const match = html.match(/data-testid="drill-summary">([^<]*)</)
  if (!match) throw new Error('no summary on the list')
  return match[1].replace(/&#x27;|&#39;/g, "'")
}

test.group('Insights drill-down | the KPIs behind reviews, lead time, AI and people', (group) => {
  group.each.setup(resetDatabase())

  test('first reviews list the pull requests time to first review measures, with its median', async ({
    assert,
  }) => {
    const { organizationId, web } = await signedInWithFixture()
    const kpi = await summarizeMetrics({ organizationId, ...FIXTURE_WEEK })
    assert.equal(kpi.percentiles.first_review.count, 3)
    const page = await web.get(`/insights/first-reviews?${WEEK}`)
    assert.equal(page.status, 200)
    assert.equal(shownTotal(page.text), kpi.percentiles.first_review.count)
    assert.equal(
      shownSummary(page.text),
      `median wait ${formatHours(kpi.percentiles.first_review.median)}`
    )
  })

  test('a product narrows the first reviews to the product KPI', async ({ assert }) => {
    const { organizationId, fixture, web } = await signedInWithFixture()
    const kpi = await summarizeMetrics({ organizationId, productId: fixture.core, ...FIXTURE_WEEK })
    const product = publicIds('product').encode(fixture.core)
    const page = await web.get(`/insights/first-reviews?${WEEK}&product=${product}`)
    assert.equal(shownTotal(page.text), kpi.percentiles.first_review.count)
    assert.equal(
      shownSummary(page.text),
      `median wait ${formatHours(kpi.percentiles.first_review.median)}`
    )
  })

  test('deployed changes list the pull requests lead time measures, on the deployment day', async ({
    assert,
  }) => {
    const { organizationId, fixture, web } = await signedInWithFixture()
    // merged in the week, first deployed the week after: lead time of the next week only
    await insertPullRequest(organizationId, fixture.beta, {
      opened: '2026-03-08 10:00',
      merged: '2026-03-08 12:00',
      author: 'erin',
    })
    await insertDeployment(organizationId, fixture.beta, { started: '2026-03-09 09:00' })
    await new RollUpMetrics().execute({ organizationId })
    const kpi = await summarizeMetrics({ organizationId, ...FIXTURE_WEEK })
    assert.equal(kpi.percentiles.lead_time.count, 3)
    const page = await web.get(`/insights/deployed-changes?${WEEK}`)
    assert.equal(shownTotal(page.text), kpi.percentiles.lead_time.count)
    assert.equal(
      shownSummary(page.text),
      `median lead time ${formatHours(kpi.percentiles.lead_time.median)}`
    )
    const next = await summarizeMetrics({ organizationId, from: '2026-03-09', to: '2026-03-15' })
    const later = await web.get('/insights/deployed-changes?from=2026-03-09&to=2026-03-15')
    assert.equal(shownTotal(later.text), next.percentiles.lead_time.count)
    assert.equal(next.percentiles.lead_time.count, 1)
  })

  test('in a repository with commit ancestry the list shows each commit with the deployment that shipped it', async ({
    assert,
  }) => {
    const { organizationId, fixture, web } = await signedInWithFixture()
    const beta = await db.from('repositories').where('id', fixture.beta).firstOrFail()
    const store = new FencedDomainStore({ organizationId, provider: 'github', connectionId: null })
    const commit = (sha: string, committedAt: string, parents: string[]) =>
      store.upsertCommits([
        {
          repositoryExternalId: beta.external_id,
          sha,
          message: `ship ${sha}`,
          authorLogin: 'ada',
          committedAt,
          parentShas: parents,
        } satisfies CommitInput,
      ])
    await commit('c0ffee1', '2026-03-03T08:00:00Z', [])
    await commit('c0ffee2', '2026-03-03T10:00:00Z', ['c0ffee1'])
    await store.upsertDeployments([
      {
        externalId: 'ship-c0ffee2',
        repositoryExternalId: beta.external_id,
        environment: 'production',
        status: 'success',
        sha: 'c0ffee2',
        startedAt: '2026-03-04T10:00:00Z',
      } satisfies DeploymentInput,
    ])
    await new RollUpMetrics().execute({ organizationId })
    const kpi = await summarizeMetrics({ organizationId, ...FIXTURE_WEEK })
    const page = await web.get(`/insights/deployed-changes?${WEEK}&sort=-lead`)
    assert.equal(shownTotal(page.text), kpi.percentiles.lead_time.count)
    assert.equal(
      shownSummary(page.text),
      `median lead time ${formatHours(kpi.percentiles.lead_time.median)}`
    )
    assert.include(page.text, 'c0ffee1')
    assert.include(page.text, 'c0ffee2')
    const onlyBeta = publicIds('repository').encode(fixture.beta)
    const betaPage = await web.get(`/insights/deployed-changes?${WEEK}&repository=${onlyBeta}`)
    // beta's pull requests are measured by their commits now: only the two commits are listed
    assert.equal(shownTotal(betaPage.text), 2)
    const csv = await web.get(
      `/insights/deployed-changes?${WEEK}&repository=${onlyBeta}&format=csv`
    )
    assert.match(csv.text, /commit,[^\n]*c0ffee1[^\n]*,26(\.0)?,/)
  })

  test('commits list the commits of the AI share, and ai=1 the assisted ones', async ({
    assert,
  }) => {
    const { organizationId, web } = await signedInWithFixture()
    const kpi = await summarizeMetrics({ organizationId, ...FIXTURE_WEEK })
    const all = await web.get(`/insights/commits?${WEEK}`)
    assert.equal(shownTotal(all.text), kpi.commits)
    assert.equal(
      shownSummary(all.text),
      `${kpi.aiAssistedCommits} of ${kpi.commits} AI-assisted (${formatPercent(kpi.aiShare)})`
    )
    const assisted = await web.get(`/insights/commits?${WEEK}&ai=1`)
    assert.equal(shownTotal(assisted.text), kpi.aiAssistedCommits)
    const other = await web.get(`/insights/commits?${WEEK}&ai=0`)
    assert.equal(shownTotal(other.text), kpi.commits - kpi.aiAssistedCommits)
  })

  test('contributors list the people the active-contributor count counts', async ({ assert }) => {
    const { organizationId, fixture, web } = await signedInWithFixture()
    // per-person figures are hidden by default; this organisation shows them
    await db.from('organizations').where('id', organizationId).update({ per_person_figures: true })
    const all = await activeContributors({ organizationId, ...FIXTURE_WEEK })
    const page = await web.get(`/insights/contributors?${WEEK}`)
    assert.equal(shownTotal(page.text), all.count)
    assert.notInclude(page.text, 'dependabot[bot]')
    const product = publicIds('product').encode(fixture.core)
    const core = await activeContributors({
      organizationId,
      productId: fixture.core,
      ...FIXTURE_WEEK,
    })
    const narrowed = await web.get(`/insights/contributors?${WEEK}&product=${product}`)
    assert.equal(shownTotal(narrowed.text), core.count)
    assert.isBelow(core.count, all.count)
  })

  test("another organisation's rows never appear in these lists", async ({ assert }) => {
    const { organizationId, web } = await signedInWithFixture()
    const other = await createAccount({ role: 'member' })
    const foreign = await insertRepository(other.organization.id, 'secret-repo')
    await insertPullRequest(other.organization.id, foreign, {
      opened: '2026-03-03 10:00',
      firstReview: '2026-03-03 11:00',
      merged: '2026-03-03 12:00',
      author: 'mallory',
    })
    await insertDeployment(other.organization.id, foreign, { started: '2026-03-03 13:00' })
    await insertCommit(other.organization.id, foreign, {
      committed: '2026-03-03 10:00',
      author: 'mallory',
      aiAssisted: true,
    })
    const kpi = await summarizeMetrics({ organizationId, ...FIXTURE_WEEK })
    const people = await activeContributors({ organizationId, ...FIXTURE_WEEK })
    const expected: Record<string, number> = {
      'first-reviews': kpi.percentiles.first_review.count,
      'deployed-changes': kpi.percentiles.lead_time.count,
      'commits': kpi.commits,
      'contributors': people.count,
    }
    const foreignId = publicIds('repository').encode(foreign)
    for (const [path, total] of Object.entries(expected)) {
      const page = await web.get(`/insights/${path}?${WEEK}`)
      assert.equal(shownTotal(page.text), total, path)
      assert.notInclude(page.text, 'secret-repo')
      assert.notInclude(page.text, 'mallory')
      const fenced = await web.get(`/insights/${path}?${WEEK}&repository=${foreignId}`)
      assert.equal(shownTotal(fenced.text), 0, path)
    }
  })

  test('each list exports CSV, and a bad filter is a 422 with the default list', async ({
    assert,
  }) => {
    const { organizationId, web } = await signedInWithFixture()
    const kpi = await summarizeMetrics({ organizationId, ...FIXTURE_WEEK })
    const csv = await web.get(`/insights/first-reviews?${WEEK}&format=csv`)
    assert.equal(csv.status, 200)
    assert.include(csv.headers.get('content-type') ?? '', 'text/csv')
    assert.equal(csv.text.trim().split('\r\n').length - 1, kpi.percentiles.first_review.count)
    const bad = await web.get(`/insights/commits?${WEEK}&ai=maybe`)
    assert.equal(bad.status, 422)
    assert.include(bad.text, 'role="alert"')
  })
})

test.group('Insights drill-down | KPI cards and chart points open their rows', (group) => {
  group.each.setup(resetDatabase())

  test('the new KPI cards and the contributor count link to their lists', async ({ assert }) => {
    const { web } = await signedInWithFixture()
    const page = await web.get(`/insights?range=custom&${WEEK}`)
    assert.equal(page.status, 200)
    const query = `from=${FIXTURE_WEEK.from}&amp;to=${FIXTURE_WEEK.to}`
    assert.include(page.text, `href="/insights/first-reviews?${query}"`)
    assert.include(page.text, `href="/insights/deployed-changes?${query}"`)
    // the AI-generated code card is the GBOM composition: it opens the AI Code Monitor
    assert.include(page.text, `href="/ai-code"`)
    assert.include(page.text, `href="/insights/contributors?${query.replace('&amp;', '&')}"`)
  })

  test('each point of the delivery chart opens a list whose total is the point', async ({
    assert,
  }) => {
    const { organizationId, web } = await signedInWithFixture()
    const page = await web.get(`/insights?range=custom&${WEEK}`)
    // the chart's data table carries the same links as its points: day, merged PRs, deployments
    const figure = page.text.split('Data table: Delivery')[1].split('</table>')[0]
    const rows = [...figure.matchAll(/<tr><th scope="row">(\d{4}-\d{2}-\d{2})<\/th>(.*?)<\/tr>/g)]
    assert.lengthOf(rows, 7)
    let checked = 0
    for (const [, day, cells] of rows) {
      const links = [...cells.matchAll(/<td><a href="([^"]+)">([^<]+)<\/a><\/td>/g)]
      assert.lengthOf(links, 2, day)
      const kpi = await summarizeMetrics({ organizationId, from: day, to: day })
      const [merged, deployments] = links
      assert.include(merged[1], `/insights/pull-requests?from=${day}&amp;to=${day}`)
      assert.include(deployments[1], `/insights/deployments?from=${day}&amp;to=${day}`)
      assert.equal(Number(merged[2]), kpi.pullRequestsMerged, day)
      assert.equal(Number(deployments[2]), kpi.deployments, day)
      for (const [href, value] of [
        [merged[1], kpi.pullRequestsMerged],
        [deployments[1], kpi.deployments],
      ] as const) {
        const list = await web.get(href.replaceAll('&amp;', '&'))
        assert.equal(shownTotal(list.text), value, href)
        checked += 1
      }
    }
    assert.equal(checked, 14)
  })

  test('severity bars open the matching lists, GenAI slices the AI Code Monitor', async ({
    assert,
  }) => {
    const { web } = await signedInWithFixture()
    const page = await web.get(`/insights?range=custom&${WEEK}`)
    const query = `from=${FIXTURE_WEEK.from}&amp;to=${FIXTURE_WEEK.to}`
    assert.include(
      page.text,
      `<a class="chart-link" href="/insights/vulnerabilities?${query}&amp;severity=critical"`
    )
    // the GenAI figure is the code's composition (lines), not commits: its slices open the monitor
    assert.include(page.text, '<a class="chart-link" href="/ai-code"')
    assert.notInclude(page.text, `href="/insights/commits?${query}&amp;ai=1"`)
    assert.include(page.text, `<a class="chart-link" href="/insights/pull-requests?${query}"`)
  })
})

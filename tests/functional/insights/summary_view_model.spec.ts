import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { statementsOfPage } from '#tests/helpers/statements'
import { buildSmallFixture, insertPullRequest, insertRepository } from '#tests/helpers/insights'
import RefreshInsights from '#actions/insights/refresh_insights'

/** the week of the small fixture (tests/helpers/insights.ts) */
const WEEK = '/insights?range=custom&from=2026-03-02&to=2026-03-08'

/** the Throughput card's figure: merged pull requests in the period */
function throughput(html: string) {
  const match = html.match(/data-kpi="throughput">[\s\S]*?<p class="kpi-value">([^<]*)<\/p>/)
  if (!match) throw new Error('no Throughput card on the page')
  return match[1]
}

async function signedIn() {
  const account = await createAccount()
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  return { account, web }
}

/** one repository, gamma, with one pull request merged in the fixture's week */
async function insertOneMergedPullRequest(organizationId: number) {
  const repository = await insertRepository(organizationId, 'gamma')
  await insertPullRequest(organizationId, repository, {
    opened: '2026-03-03 10:00',
    merged: '2026-03-04 10:00',
    author: 'erin',
  })
}

/** what a sync's refresh does: roll up, then invalidate the organisation's insights */
function refresh(organizationId: number) {
  return new RefreshInsights().execute({ organizationId, full: true })
}

/** a signed-in member whose organisation has the small fixture, rolled up */
async function signedInWithRolledUpFixture() {
  const signed = await signedIn()
  const fixture = await buildSmallFixture(signed.account.organization.id)
  await refresh(signed.account.organization.id)
  return { ...signed, fixture }
}

test.group('Insights pages | Executive Summary view model in memory', (group) => {
  group.each.setup(resetDatabase())

  test('a new rollup shows its new figures on the next visit', async ({ assert }) => {
    const { account, web, fixture } = await signedInWithRolledUpFixture()
    assert.equal(throughput((await web.get(WEEK)).text), '3')

    await insertPullRequest(account.organization.id, fixture.alpha, {
      opened: '2026-03-05 10:00',
      merged: '2026-03-06 10:00',
      author: 'dave',
    })
    // the remembered view model stands until the rollup
    assert.equal(throughput((await web.get(WEEK)).text), '3')
    await refresh(account.organization.id)

    assert.equal(throughput((await web.get(WEEK)).text), '4')
  })

  test('another organisation never sees the view model remembered for the first', async ({
    assert,
  }) => {
    const first = await signedInWithRolledUpFixture()
    const second = await signedIn()
    await insertOneMergedPullRequest(second.account.organization.id)
    await refresh(second.account.organization.id)
    // the same range and the same generation: only the id tells them apart
    await db.from('organizations').update({ insights_generation: 42 })
    assert.equal(throughput((await first.web.get(WEEK)).text), '3')

    const page = await second.web.get(WEEK)

    assert.equal(throughput(page.text), '1')
    assert.notInclude(page.text, 'alpha')
  })

  test("an organisation given the id of one emptied before it never sees that one's view model", async ({
    assert,
  }) => {
    const first = await signedInWithRolledUpFixture()
    assert.equal(throughput((await first.web.get(WEEK)).text), '3')
    // every table emptied, identities restarted; this process keeps its memory
    await resetDatabase()()
    const second = await signedIn()
    assert.equal(second.account.organization.id, first.account.organization.id, 'the id came back')
    await insertOneMergedPullRequest(second.account.organization.id)
    // one refresh each, as before
    await refresh(second.account.organization.id)

    const page = await second.web.get(WEEK)

    assert.equal(throughput(page.text), '1')
  })

  test('a second visit is answered from memory, without reading the insights again', async ({
    assert,
  }) => {
    const { web } = await signedInWithRolledUpFixture()
    const first = await statementsOfPage(web, WEEK)
    assert.isTrue(
      first.some((sql) => /insight_daily_metrics/.test(sql)),
      'the first visit computes the summary'
    )
    // the fragments' own store (the database) forgets them too, so only
    // this process's memory can spare the second visit the computation
    await db.from('cache').delete()

    const second = await statementsOfPage(web, WEEK)

    assert.deepEqual(
      second.filter((sql) => /insight_|score_points/.test(sql)),
      []
    )
  })
})

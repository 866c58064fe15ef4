import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { statementsOfPage } from '#tests/helpers/statements'
import { insertProduct, insertPullRequest, insertRepository } from '#tests/helpers/insights'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { invalidateInsights } from '#services/insights/cache'
import type Organization from '#models/organization'
import { recentWeeks } from '#services/agreements/adherence'

const PAGE = '/insights?range=custom&from=2026-03-01&to=2026-03-31'

/**
 * An organisation of `size` repositories in three products, each
 * repository with a merged pull request in the period, rolled up.
 */
async function organisationOf(organization: Organization, size: number) {
  const repositories: number[] = []
  for (let index = 0; index < size; index++) {
    const repository = await insertRepository(organization.id, `service-${index}`)
    repositories.push(repository)
    await insertPullRequest(organization.id, repository, {
      firstCommit: '2026-03-02 09:00',
      opened: '2026-03-02 10:00',
      firstReview: '2026-03-02 12:00',
      merged: '2026-03-03 10:00',
      additions: 10 + index,
      deletions: 1,
      author: `dev-${index % 40}`,
    })
  }
  for (const [index, name] of ['Platform', 'Payments', 'Mobile'].entries()) {
    await insertProduct(
      organization.id,
      name,
      repositories.filter((_, position) => position % 3 === index)
    )
  }
  await new RollUpMetrics().execute({ organizationId: organization.id })
}

/** `count` working agreements of the organisation, each with its last eight weeks recorded */
async function agreementsOf(organization: Organization, count: number) {
  const weeks = recentWeeks(new Date(), 8)
  for (let index = 0; index < count; index++) {
    const [inserted] = await db
      .table('working_agreements')
      .insert({
        organization_id: organization.id,
        kind: 'pull_request_size_under',
        threshold: 400 + index,
        target_percent: 80,
        created_at: new Date(),
        updated_at: new Date(),
      })
      .returning('id')
    const id = Number(typeof inserted === 'object' ? inserted.id : inserted)
    for (const week of weeks) {
      await db.table('working_agreement_weeks').insert({
        organization_id: organization.id,
        working_agreement_id: id,
        period: week.label,
        measured: 4,
        met: 3,
        percent: 75,
        computed_at: new Date(),
      })
    }
  }
}

/**
 * The SQL statements one request issues, with the organisation's
 * dashboard fragments dropped first so the page computes everything
 * instead of reading the cache.
 */
async function queriesFor(web: WebClient, organization: Organization, path: string) {
  await invalidateInsights(organization.id)
  return statementsOfPage(web, path)
}

test.group('Insights pages | query count', (group) => {
  group.each.setup(resetDatabase())

  test('the Executive Summary issues the same number of queries (at most 20) for 10 and 500 repositories, with or without working agreements', async ({
    assert,
  }) => {
    const small = await createAccount()
    const large = await createAccount()
    await organisationOf(small.organization, 10)
    await organisationOf(large.organization, 500)
    await agreementsOf(large.organization, 3)
    const smallWeb = new WebClient()
    await smallWeb.signIn(small.email, small.password, small.totpSecret!)
    const largeWeb = new WebClient()
    await largeWeb.signIn(large.email, large.password, large.totpSecret!)
    // a first visit of each settles the session's one-off writes
    await smallWeb.get(PAGE)
    await largeWeb.get(PAGE)

    const forSmall = await queriesFor(smallWeb, small.organization, PAGE)
    const forLarge = await queriesFor(largeWeb, large.organization, PAGE)
    assert.isAbove(forSmall.length, 0)
    assert.equal(forLarge.length, forSmall.length, forLarge.join('\n'))
    // the sums, then the durations their medians are read from, per figure
    // (the products' computed by the database: their counts, then their
    // ranks, two statements for all products), then the teams for the lens picker, the latest AI composition of each
    // repository and product, the findings of "What changed", and the
    // working agreements' recorded weeks (the adherence strip)
    assert.isAtMost(forLarge.length, 20, forLarge.map((sql) => sql.slice(0, 70)).join('\n'))
  })
})

import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { FencedDomainStore } from '#services/domain/domain_store'
import { summarizeMetrics } from '#services/insights/metrics'
import { openWork } from '#services/insights/open_work'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { insertRepository } from '#tests/helpers/insights'
import type { PullRequestInput } from '#plugin-sdk'

/**
 * Time to first review (#28 item 4): the clock starts when the pull
 * request became ready for review (draft time excluded), a review after
 * the merge is no review, and the pull requests still waiting show with
 * their age beside the figure.
 */
const DAY = { from: '2026-03-03', to: '2026-03-03' }

async function setup() {
  const { id } = await createOrganization()
  const repositoryId = await insertRepository(id, 'api')
  const repository = await db.from('repositories').where('id', repositoryId).firstOrFail()
  const store = new FencedDomainStore({
    organizationId: id,
    provider: 'github',
    connectionId: null,
  })
  let number = 0
  const write = (pull: Partial<PullRequestInput> & { openedAt: string }) => {
    number += 1
    return store.upsertPullRequests([
      {
        externalId: `pr-${pull.number ?? number}`,
        repositoryExternalId: repository.external_id,
        number: pull.number ?? number,
        title: 'Change',
        state: 'open',
        authorLogin: 'ada',
        ...pull,
      },
    ])
  }
  return { organizationId: id, write }
}

test.group('Insights / time to first review', (group) => {
  group.each.setup(resetDatabase)

  test('the clock starts at ready for review: draft time is excluded', async ({ assert }) => {
    const { organizationId, write } = await setup()
    // opened as a draft 03-02 08:00, ready 03-03 08:00, reviewed 03-03 10:00: 2 h, not 26 h
    await write({
      openedAt: '2026-03-02T08:00:00Z',
      readyForReviewAt: '2026-03-03T08:00:00Z',
      firstReviewAt: '2026-03-03T10:00:00Z',
    })
    // opened ready 03-03 09:00, reviewed 03-03 13:00: 4 h
    await write({ openedAt: '2026-03-03T09:00:00Z', firstReviewAt: '2026-03-03T13:00:00Z' })
    await new RollUpMetrics().execute({ organizationId })
    const summary = await summarizeMetrics({ organizationId, ...DAY })
    // mean (2 + 4) / 2 = 3; median of 2 and 4 = 3
    assert.equal(summary.firstReviewHours, 3)
    assert.equal(summary.percentiles.first_review.median, 3)
  })

  test('a later write that does not know the ready moment keeps it', async ({ assert }) => {
    const { organizationId, write } = await setup()
    await write({
      number: 7,
      openedAt: '2026-03-02T08:00:00Z',
      readyForReviewAt: '2026-03-03T08:00:00Z',
    })
    // a sync of the same pull request, now reviewed, knows no ready moment
    await write({
      number: 7,
      openedAt: '2026-03-02T08:00:00Z',
      firstReviewAt: '2026-03-03T09:30:00Z',
    })
    await new RollUpMetrics().execute({ organizationId })
    const summary = await summarizeMetrics({ organizationId, ...DAY })
    assert.equal(summary.firstReviewHours, 1.5)
  })

  test('a review after the merge is ignored', async ({ assert }) => {
    const { organizationId, write } = await setup()
    // merged 03-03 12:00 unreviewed, reviewed afterwards at 15:00: no first review
    await write({
      state: 'merged',
      openedAt: '2026-03-03T08:00:00Z',
      mergedAt: '2026-03-03T12:00:00Z',
      firstReviewAt: '2026-03-03T15:00:00Z',
    })
    // reviewed 1 h after opening
    await write({ openedAt: '2026-03-03T08:00:00Z', firstReviewAt: '2026-03-03T09:00:00Z' })
    await new RollUpMetrics().execute({ organizationId })
    const summary = await summarizeMetrics({ organizationId, ...DAY })
    assert.equal(summary.firstReviewHours, 1)
    assert.equal(summary.percentiles.first_review.count, 1)
  })

  test('pull requests still waiting count with the age of the oldest since it became ready', async ({
    assert,
  }) => {
    const { organizationId, write } = await setup()
    // draft since 03-01 08:00, ready 03-03 08:00, not reviewed
    await write({ openedAt: '2026-03-01T08:00:00Z', readyForReviewAt: '2026-03-03T08:00:00Z' })
    // opened ready 03-03 14:00, not reviewed
    await write({ openedAt: '2026-03-03T14:00:00Z' })
    // still a draft: not waiting for anyone
    await write({ openedAt: '2026-02-20T08:00:00Z', draft: true })
    const now = DateTime.fromISO('2026-03-03T20:00:00Z', { zone: 'utc' })
    const work = await openWork({ organizationId }, now)
    assert.equal(work.waitingForReview, 2)
    // the oldest became ready at 08:00: 12 h (from its opening it would be 60 h)
    assert.equal(work.oldestWaitingHours, 12)
  })
})

import { test } from '@japa/runner'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { summarizeMetrics } from '#services/insights/metrics'
import { openWork } from '#services/insights/open_work'
import { openWorkCaptions } from '#services/insights_pages/kpis'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { insertDeployment, insertPullRequest, insertRepository } from '#tests/helpers/insights'

/**
 * The definitions of issue 28, each on rows built for it with the
 * expected values worked out by hand in the comments. All in the week of
 * 2026-03-02 to 03-08.
 */
const WEEK = { from: '2026-03-02', to: '2026-03-08' }

async function organisation() {
  const organization = await createOrganization()
  return { organizationId: organization.id, scope: { organizationId: organization.id, ...WEEK } }
}

async function rolledUp(organizationId: number) {
  await new RollUpMetrics().execute({ organizationId })
}

test.group('Insights data / definitions', (group) => {
  group.each.setup(resetDatabase)

  test('a repository that never deploys does not shorten cycle time: its pull requests count to merge', async ({
    assert,
  }) => {
    const { organizationId, scope } = await organisation()
    const deploying = await insertRepository(organizationId, 'deploying')
    const library = await insertRepository(organizationId, 'library')
    // first commit 03-02 08:00, merged 12:00, deployed 03-03 08:00: 24 h
    await insertPullRequest(organizationId, deploying, {
      firstCommit: '2026-03-02 08:00',
      opened: '2026-03-02 09:00',
      firstReview: '2026-03-02 10:00',
      merged: '2026-03-02 12:00',
    })
    await insertDeployment(organizationId, deploying, { started: '2026-03-03 08:00' })
    // the library never deploys: 2 h from first commit to merge
    await insertPullRequest(organizationId, library, {
      firstCommit: '2026-03-04 08:00',
      opened: '2026-03-04 09:00',
      merged: '2026-03-04 10:00',
    })
    await rolledUp(organizationId)

    const summary = await summarizeMetrics(scope)
    // mixed in, the library would make it (24 + 2) / 2 = 13 h
    assert.equal(summary.cycleTime.totalHours, 24)
    assert.equal(summary.cycleTime.deployedCount, 1)
    assert.equal(summary.cycleTime.toMergeHours, 2)
    assert.equal(summary.cycleTime.toMergeCount, 1)
    assert.equal(summary.percentiles.merge_cycle.median, 2)
    // the phases are over the same pull request and add up: 1 + 1 + 2 + 20
    const { codingHours, pickupHours, reviewHours, deployHours } = summary.cycleTime
    assert.deepEqual([codingHours, pickupHours, reviewHours, deployHours], [1, 1, 2, 20])
    assert.equal(summary.pullRequestsMerged, 2)
  })

  test('durations show their median, 75th and 90th percentiles beside the mean', async ({
    assert,
  }) => {
    const { organizationId, scope } = await organisation()
    const repository = await insertRepository(organizationId, 'service')
    await insertDeployment(organizationId, repository, { started: '2026-03-08 12:00' })
    // opened 03-02 00:00 + 0, 1, 2, 3, 4 days' worth of hours, all deployed 03-08 12:00:
    // cycles of 10, 20, 30, 40 and 200 h
    for (const hours of [10, 20, 30, 40, 200]) {
      const opened = new Date(Date.UTC(2026, 2, 8, 12) - hours * 3600_000)
      const moment = opened.toISOString().slice(0, 16).replace('T', ' ')
      await insertPullRequest(organizationId, repository, {
        opened: moment,
        firstCommit: moment,
        merged: '2026-03-08 11:00',
      })
    }
    await rolledUp(organizationId)

    const summary = await summarizeMetrics(scope)
    // sorted 10, 20, 30, 40, 200: median 30; p75 at rank 3 → 40;
    // p90 at rank 3.6 → 40 + 0.6 × 160 = 136; mean 300 / 5 = 60
    assert.deepEqual(summary.percentiles.cycle, { count: 5, median: 30, p75: 40, p90: 136 })
    assert.equal(summary.cycleTime.totalHours, 60)
  })

  test('first review: reviews after the merge are ignored, bots are left out', async ({
    assert,
  }) => {
    const { organizationId, scope } = await organisation()
    const repository = await insertRepository(organizationId, 'service')
    // reviewed 3 h after opening
    await insertPullRequest(organizationId, repository, {
      opened: '2026-03-02 09:00',
      firstReview: '2026-03-02 12:00',
      merged: '2026-03-02 13:00',
    })
    // "reviewed" a day after it was merged: no review before the merge
    await insertPullRequest(organizationId, repository, {
      opened: '2026-03-03 09:00',
      firstReview: '2026-03-04 09:00',
      merged: '2026-03-03 10:00',
    })
    // a bot's pull request counts in no flow metric
    await insertPullRequest(organizationId, repository, {
      opened: '2026-03-03 09:00',
      firstReview: '2026-03-03 19:00',
      merged: '2026-03-03 20:00',
      author: 'dependabot[bot]',
    })
    await rolledUp(organizationId)

    const summary = await summarizeMetrics(scope)
    assert.equal(summary.firstReviewHours, 3)
    assert.equal(summary.percentiles.first_review.count, 1)
    assert.equal(summary.pullRequestsOpened, 2)
    assert.equal(summary.pullRequestsMerged, 2)
  })

  test('production is an exact environment name, any case; an unnamed one counts', async ({
    assert,
  }) => {
    const { organizationId, scope } = await organisation()
    const repository = await insertRepository(organizationId, 'service')
    for (const environment of ['Production', 'prod', 'PRD', 'live', null, '']) {
      await insertDeployment(organizationId, repository, {
        started: '2026-03-03 10:00',
        environment,
      })
    }
    for (const environment of ['product-preview', 'production-eu-canary', 'staging']) {
      await insertDeployment(organizationId, repository, {
        started: '2026-03-03 10:00',
        environment,
      })
    }
    await rolledUp(organizationId)
    assert.equal((await summarizeMetrics(scope)).deployments, 6)
  })

  test('time to restore runs from the failed deployment’s start; a restore before it is left out', async ({
    assert,
  }) => {
    const { organizationId, scope } = await organisation()
    const repository = await insertRepository(organizationId, 'service')
    // started 10:00, finished 11:00, restored 14:00: 4 h (not 3 h from the finish)
    await insertDeployment(organizationId, repository, {
      started: '2026-03-03 10:00',
      finished: '2026-03-03 11:00',
      causedFailure: true,
      restored: '2026-03-03 14:00',
    })
    // "restored" 15 minutes before it started: no duration
    await insertDeployment(organizationId, repository, {
      started: '2026-03-04 10:00',
      causedFailure: true,
      restored: '2026-03-04 09:45',
    })
    await rolledUp(organizationId)

    const summary = await summarizeMetrics(scope)
    assert.equal(summary.timeToRestoreHours, 4)
    assert.deepEqual(summary.percentiles.restore, { count: 1, median: 4, p75: 4, p90: 4 })
    assert.equal(summary.failedDeployments, 2)
  })

  test('lead time is bucketed by the day of the deployment', async ({ assert }) => {
    const { organizationId, scope } = await organisation()
    const repository = await insertRepository(organizationId, 'service')
    // merged in the week before, deployed on 03-02: 48 h of lead time in this week
    await insertPullRequest(organizationId, repository, {
      firstCommit: '2026-02-28 10:00',
      opened: '2026-02-28 10:00',
      merged: '2026-02-28 12:00',
    })
    await insertDeployment(organizationId, repository, { started: '2026-03-02 10:00' })
    await rolledUp(organizationId)

    const week = await summarizeMetrics(scope)
    assert.equal(week.leadTimeHours, 48)
    assert.equal(week.pullRequestsMerged, 0)
    const before = await summarizeMetrics({ ...scope, from: '2026-02-23', to: '2026-03-01' })
    assert.isNull(before.leadTimeHours)
    assert.equal(before.cycleTime.totalHours, 48)
  })

  test('pull requests still waiting for review and open incidents show with their age', async ({
    assert,
  }) => {
    const { organizationId } = await organisation()
    const repository = await insertRepository(organizationId, 'service')
    // waiting since 03-05 12:00 and 03-06 12:00; as of 03-08 12:00 the oldest waited 72 h
    await insertPullRequest(organizationId, repository, { opened: '2026-03-05 12:00' })
    await insertPullRequest(organizationId, repository, { opened: '2026-03-06 12:00' })
    // not waiting: reviewed, a draft, a bot's
    await insertPullRequest(organizationId, repository, {
      opened: '2026-03-01 12:00',
      firstReview: '2026-03-01 13:00',
    })
    const draft = await insertPullRequest(organizationId, repository, {
      opened: '2026-03-01 12:00',
    })
    await db.from('pull_requests').where('id', draft).update({ draft: true })
    await insertPullRequest(organizationId, repository, {
      opened: '2026-03-01 12:00',
      author: 'renovate[bot]',
    })
    // failed at 03-08 06:00 and not restored: an open incident of 6 h; a restored one is not
    await insertDeployment(organizationId, repository, {
      started: '2026-03-08 06:00',
      causedFailure: true,
    })
    await insertDeployment(organizationId, repository, {
      started: '2026-03-07 06:00',
      causedFailure: true,
      restored: '2026-03-07 07:00',
    })

    const now = DateTime.fromISO('2026-03-08T12:00:00Z')
    const work = await openWork({ organizationId }, now)
    assert.deepEqual(work, {
      waitingForReview: 2,
      oldestWaitingHours: 72,
      openIncidents: 1,
      oldestIncidentHours: 6,
    })
    assert.deepEqual(openWorkCaptions(work), {
      first_review: '2 waiting for review, the oldest for 3 days',
      time_to_restore: '1 open incident, the oldest for 6 h',
    })
    const other = await organisation()
    assert.equal(
      (await openWork({ organizationId: other.organizationId }, now)).waitingForReview,
      0
    )
  })
})

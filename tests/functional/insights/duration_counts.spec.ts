import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { writeInsightsDemoData } from '#actions/demo/insights_demo_data'
import { FencedDomainStore } from '#services/domain/domain_store'
import { DURATION_METRICS } from '#services/insights/percentiles'
import { DURATION_COUNT_COLUMNS } from '#services/insights/ranked_percentiles'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { insertPullRequest, insertRepository } from '#tests/helpers/insights'
import type { CommitInput, DeploymentInput } from '#plugin-sdk'

/**
 * Percentiles take each metric's count of durations from the daily sums
 * (DURATION_COUNT_COLUMNS, ranked_percentiles.ts) instead of counting
 * insight_durations. That holds only while the rollup writes one
 * duration row wherever it adds one to the count column, for the same
 * repository and day: any scope (organisation, product, repository,
 * range of days) is a union of those cells, so equal cells make equal
 * counts for every scope. These tests compare the two tables cell by
 * cell after each way the rollup writes them.
 */
type Cell = string

async function countsByCell(organizationId: number) {
  const daily = new Map<Cell, number>()
  const rows = await db
    .from('insight_daily_metrics')
    .where('organization_id', organizationId)
    .groupBy('repository_id', 'day')
    .select(
      'repository_id',
      'day',
      ...DURATION_METRICS.map((metric) =>
        db.raw(`SUM(${DURATION_COUNT_COLUMNS[metric]}) AS ${metric}`)
      )
    )
  for (const row of rows) {
    for (const metric of DURATION_METRICS) {
      const total = Number(row[metric] ?? 0)
      if (total > 0) daily.set(`${metric} ${row.repository_id} ${String(row.day)}`, total)
    }
  }
  const durations = new Map<Cell, number>()
  const counted = await db
    .from('insight_durations')
    .where('organization_id', organizationId)
    .groupBy('metric', 'repository_id', 'day')
    .select('metric', 'repository_id', 'day')
    .count('* as total')
  for (const row of counted) {
    durations.set(`${row.metric} ${row.repository_id} ${String(row.day)}`, Number(row.total))
  }
  return { daily, durations }
}

/** the cells where the daily count and the durations differ, and how many durations each metric has */
async function divergences(organizationId: number) {
  const { daily, durations } = await countsByCell(organizationId)
  const differing: string[] = []
  for (const cell of new Set([...daily.keys(), ...durations.keys()])) {
    const counted = daily.get(cell) ?? 0
    const rows = durations.get(cell) ?? 0
    if (counted !== rows) differing.push(`${cell}: counted ${counted}, ${rows} durations`)
  }
  const perMetric = Object.fromEntries(DURATION_METRICS.map((metric) => [metric, 0]))
  for (const [cell, rows] of durations) perMetric[cell.split(' ')[0]] += rows
  return { differing: differing.slice(0, 10), perMetric }
}

/** a repository whose commits carry their parents and whose deployments name a SHA */
async function commitAncestry(organizationId: number) {
  const repositoryId = await insertRepository(organizationId, 'ancestry')
  const repository = await db.from('repositories').where('id', repositoryId).firstOrFail()
  const store = new FencedDomainStore({ organizationId, provider: 'github', connectionId: null })
  const commits: CommitInput[] = [
    ['a', '2026-03-01T10:00:00Z', []],
    ['b', '2026-03-02T10:00:00Z', ['a']],
    ['c', '2026-03-03T09:00:00Z', ['b']],
  ].map(([sha, committedAt, parents]) => ({
    repositoryExternalId: repository.external_id,
    sha: sha as string,
    message: `change ${sha}`,
    authorLogin: 'ada',
    committedAt: committedAt as string,
    parentShas: parents as string[],
  }))
  await store.upsertCommits(commits)
  const deployments: DeploymentInput[] = [
    ['a', '2026-03-02T12:00:00Z'],
    ['c', '2026-03-04T10:00:00Z'],
  ].map(([sha, startedAt], index) => ({
    externalId: `ancestry-${index}`,
    repositoryExternalId: repository.external_id,
    environment: 'production',
    status: 'success',
    sha,
    startedAt,
  }))
  await store.upsertDeployments(deployments)
}

/** an organisation with two months of seeded demo data */
async function organizationWithDemoData(demo: {
  repositories: number
  pullRequests: number
  seed: number
}) {
  const organization = await createOrganization()
  await writeInsightsDemoData(organization.id, { ...demo, months: 2 })
  return organization
}

/** a new repository with one pull request of ada's at these times, then the whole roll-up */
async function rollUpWithOnePullRequest(
  organizationId: number,
  repositoryName: string,
  times: { opened: string; firstReview?: string; merged: string }
) {
  const repositoryId = await insertRepository(organizationId, repositoryName)
  await insertPullRequest(organizationId, repositoryId, { ...times, author: 'ada' })
  await new RollUpMetrics().execute({ organizationId })
}

test.group('Insights / duration counts in the daily sums', (group) => {
  group.each.setup(resetDatabase)

  test('every metric counted in the daily rows has exactly its durations, per repository and day', async ({
    assert,
  }) => {
    const organization = await organizationWithDemoData({
      repositories: 6,
      pullRequests: 400,
      seed: 5,
    })
    // a repository that never deploys: its merges are measured to the merge (merge_cycle)
    await rollUpWithOnePullRequest(organization.id, 'library', {
      opened: '2026-03-02 10:00',
      merged: '2026-03-03 15:00',
    })

    const { differing, perMetric } = await divergences(organization.id)
    assert.deepEqual(differing, [])
    // the data has durations of every metric, so no branch is compared empty
    for (const metric of DURATION_METRICS) assert.isAbove(perMetric[metric], 0, metric)
  })

  test('durations measured in code (lead time per commit, first review in working hours) are counted too', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    await db.from('organizations').where('id', organization.id).update({
      working_hours_only: true,
    })
    await commitAncestry(organization.id)
    await rollUpWithOnePullRequest(organization.id, 'reviewed', {
      opened: '2026-03-02 10:00',
      firstReview: '2026-03-03 11:00',
      merged: '2026-03-03 15:00',
    })

    const { differing, perMetric } = await divergences(organization.id)
    assert.deepEqual(differing, [])
    assert.equal(perMetric.lead_time, 3)
    assert.equal(perMetric.first_review, 1)
  })

  test('a range rebuilt after the whole history keeps the counts and the durations equal', async ({
    assert,
  }) => {
    const organization = await organizationWithDemoData({
      repositories: 4,
      pullRequests: 200,
      seed: 7,
    })
    const rollUp = new RollUpMetrics()
    const whole = await rollUp.execute({ organizationId: organization.id })
    const days = await db
      .from('insight_durations')
      .where('organization_id', organization.id)
      .orderBy('day')
      .select('day')
    const middle = String(days[Math.floor(days.length / 2)].day)
    await rollUp.execute({ organizationId: organization.id, from: middle, to: whole.to })

    const { differing, perMetric } = await divergences(organization.id)
    assert.deepEqual(differing, [])
    assert.isAbove(perMetric.cycle, 0)
  })
})

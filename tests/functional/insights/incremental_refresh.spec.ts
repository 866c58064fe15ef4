import { test } from '@japa/runner'
import { createHmac } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import RefreshInsights, { RECENT_WINDOW_DAYS } from '#actions/insights/refresh_insights'
import RunSchedule from '#actions/schedules/run_schedule'
import RunSync from '#actions/sync/run_sync'
import { FencedDomainStore } from '#services/domain/domain_store'
import { clearRefreshMark, markInsightsDirty, refreshMark } from '#services/insights/refresh_marks'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'
import { processQueueUntil } from '#tests/helpers/queue'
import {
  insertDeployment,
  insertIssue,
  insertPullRequest,
  insertRepository,
} from '#tests/helpers/insights'
import {
  seedRepositories,
  startFakeProvider,
  type FakeProvider,
} from '#tests/helpers/fake_provider'

/** the UTC day `days` before today, and a moment at 10:00 on it */
function daysAgo(days: number) {
  return DateTime.utc().minus({ days }).toISODate()!
}
function at(days: number) {
  return `${daysAgo(days)} 10:00`
}

async function rolledUp(organizationId: number, day: string, column: string) {
  const row = await db
    .from('insight_daily_metrics')
    .where('organization_id', organizationId)
    .where('day', day)
    .sum(`${column} as total`)
    .first()
  return Number(row?.total ?? 0)
}

function githubStore(organizationId: number) {
  return new FencedDomainStore({ organizationId, provider: 'github', connectionId: null })
}

test.group('Insights data / incremental refresh', (group) => {
  group.each.setup(resetDatabase)

  test(`a refresh rebuilds the last ${RECENT_WINDOW_DAYS} days; older days wait for a full one`, async ({
    assert,
  }) => {
    const { id } = await createOrganization()
    // written straight to the table: no store, so no dirty mark
    await insertIssue(id, null, { opened: at(100) })
    await insertIssue(id, null, { opened: at(2) })
    await new RefreshInsights().execute({ organizationId: id, full: true })
    await insertIssue(id, null, { opened: at(100) })
    await insertIssue(id, null, { opened: at(2) })

    const recent = await new RefreshInsights().execute({ organizationId: id })
    assert.isFalse(recent.full)
    assert.equal(recent.from, daysAgo(RECENT_WINDOW_DAYS - 1))
    assert.equal(await rolledUp(id, daysAgo(2), 'issues_opened'), 2)
    assert.equal(await rolledUp(id, daysAgo(100), 'issues_opened'), 1)

    const full = await new RefreshInsights().execute({ organizationId: id, full: true })
    assert.isTrue(full.full)
    assert.equal(await rolledUp(id, daysAgo(100), 'issues_opened'), 2)
  })

  test('rows written through the store mark the organisation dirty from their earliest day', async ({
    assert,
  }) => {
    const { id } = await createOrganization()
    await githubStore(id).upsertIssues([
      {
        externalId: 'old',
        key: 'OLD-1',
        title: 'Backfilled',
        status: 'open',
        statusCategory: 'todo',
        openedAt: `${daysAgo(200)}T23:30:00.000Z`,
      },
      {
        externalId: 'new',
        key: 'NEW-1',
        title: 'Recent',
        status: 'open',
        statusCategory: 'todo',
        openedAt: `${daysAgo(1)}T08:00:00.000+02:00`,
      },
    ])
    assert.equal((await refreshMark(id))?.dirtyFrom, daysAgo(200))

    const result = await new RefreshInsights().execute({ organizationId: id })
    assert.equal(result.from, daysAgo(200))
    assert.equal(await rolledUp(id, daysAgo(200), 'issues_opened'), 1)
    assert.equal(await rolledUp(id, daysAgo(1), 'issues_opened'), 1)
    assert.isNull(await refreshMark(id))
  })

  test('a deployment in the window re-rolls the older merges that were waiting for it', async ({
    assert,
  }) => {
    const { id } = await createOrganization()
    const repository = await insertRepository(id, 'api')
    const other = await insertRepository(id, 'web')
    await insertDeployment(id, repository, { started: at(90) })
    await insertPullRequest(id, repository, { opened: at(95), merged: at(92) })
    await insertPullRequest(id, repository, { opened: at(62), merged: at(60) })
    await insertPullRequest(id, other, { opened: at(52), merged: at(50) })
    await new RefreshInsights().execute({ organizationId: id, full: true })
    assert.equal(await rolledUp(id, daysAgo(60), 'deploy_count'), 0)

    const externalId = (await db.from('repositories').where('id', repository).first()).external_id
    await githubStore(id).upsertDeployments([
      {
        externalId: 'deploy-now',
        repositoryExternalId: externalId,
        environment: 'production',
        status: 'success',
        startedAt: `${daysAgo(1)}T10:00:00.000Z`,
      },
    ])
    const result = await new RefreshInsights().execute({ organizationId: id })
    // back to the merge after the repository's last deployment, not to
    // the merge before it nor to the other repository's
    assert.equal(result.from, daysAgo(60))
    assert.equal(await rolledUp(id, daysAgo(60), 'deploy_count'), 1)
    assert.equal(await rolledUp(id, daysAgo(60), 'deploy_seconds'), 59 * 86_400)
    assert.equal(await rolledUp(id, daysAgo(92), 'deploy_count'), 1)
  })

  test('a deployment that stops counting re-rolls the merges it had deployed', async ({
    assert,
  }) => {
    const { id } = await createOrganization()
    const repository = await insertRepository(id, 'api')
    await insertPullRequest(id, repository, { opened: at(62), merged: at(60) })
    const deployment = await insertDeployment(id, repository, { started: at(50) })
    await new RefreshInsights().execute({ organizationId: id, full: true })
    assert.equal(await rolledUp(id, daysAgo(60), 'deploy_count'), 1)

    const row = await db.from('deployments').where('id', deployment).firstOrFail()
    await githubStore(id).upsertDeployments([
      {
        externalId: row.external_id,
        repositoryExternalId: (await db.from('repositories').where('id', repository).first())
          .external_id,
        environment: 'production',
        status: 'failure',
        startedAt: `${daysAgo(50)}T10:00:00.000Z`,
      },
    ])
    const result = await new RefreshInsights().execute({ organizationId: id })
    assert.equal(result.from, daysAgo(60))
    assert.equal(await rolledUp(id, daysAgo(60), 'deploy_count'), 0)
  })

  test('a refresh clears only the mark it read', async ({ assert }) => {
    const { id } = await createOrganization()
    await markInsightsDirty(id, '2026-05-10')
    const read = await refreshMark(id)
    await markInsightsDirty(id, '2026-06-01')
    await clearRefreshMark(read!)
    const kept = await refreshMark(id)
    assert.equal(kept?.dirtyFrom, '2026-05-10')
    assert.equal(kept?.version, read!.version + 1)
    await clearRefreshMark(kept!)
    assert.isNull(await refreshMark(id))
  })
})

test.group('Insights data / refresh of what webhooks and syncs wrote', (group) => {
  let provider: FakeProvider

  group.setup(async () => {
    provider = await startFakeProvider()
    return () => provider.close()
  })
  group.each.setup(resetDatabase)
  group.each.setup(() => {
    provider.state.repositories = seedRepositories(2, 3)
    provider.reset()
  })

  test('a webhook write marks the organisation dirty; insights:refresh rolls it up and clears the mark', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const connection = await createConnection(organization)
    const body = JSON.stringify({
      action: 'opened',
      account: 'acme',
      issue: { id: 'hook-1', title: 'From a webhook', opened: `${daysAgo(3)}T09:00:00Z` },
    })
    const signature = createHmac('sha256', process.env.FIXTURE_WEBHOOK_SECRET!)
      .update(body)
      .digest('hex')
    const response = await fetch(
      `http://${process.env.HOST}:${process.env.PORT}/api/webhooks/fixture`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-fixture-signature': `sha256=${signature}`,
          'x-fixture-delivery': 'hook-1',
          'x-fixture-event': 'issue',
        },
        body,
      }
    )
    assert.equal(response.status, 202)
    await processQueueUntil(async () => {
      const delivery = await db.from('webhook_deliveries').where('delivery_id', 'hook-1').first()
      return delivery?.status === 'processed'
    })
    assert.equal((await refreshMark(organization.id))?.dirtyFrom, daysAgo(3))
    assert.equal(await rolledUp(organization.id, daysAgo(3), 'issues_opened'), 0)
    assert.equal(connection.organizationId, organization.id)

    const run = await new RunSchedule().execute({ name: 'insights:refresh', trigger: 'manual' })
    assert.equal(run?.status, 'succeeded')
    assert.equal(run?.output, '1 organisations refreshed')
    assert.equal(await rolledUp(organization.id, daysAgo(3), 'issues_opened'), 1)
    assert.isNull(await refreshMark(organization.id))

    const idle = await new RunSchedule().execute({ name: 'insights:refresh', trigger: 'manual' })
    assert.equal(idle?.output, '0 organisations refreshed')
  })

  test('a sync refreshes back to the oldest row it wrote, consuming any mark; a full sync rebuilds everything', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const connection = await createConnection(organization)
    await markInsightsDirty(organization.id, daysAgo(1))
    await new RunSync().execute({ connection, trigger: 'cli' })
    // the fixture's issues are opened on 2026-01-01, far before the window
    assert.equal(await rolledUp(organization.id, '2026-01-01', 'issues_opened'), 6)
    assert.isNull(await refreshMark(organization.id))

    // a row older than anything the sync writes (2026-01-01), written
    // around the store: only a whole-history rebuild reaches it
    await insertIssue(organization.id, null, { opened: '2025-06-01 10:00' })
    await new RunSync().execute({ connection, trigger: 'cli', full: true })
    assert.equal(await rolledUp(organization.id, '2025-06-01', 'issues_opened'), 1)
  })
})

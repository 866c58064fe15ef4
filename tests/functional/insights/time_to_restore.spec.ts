import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { FencedDomainStore } from '#services/domain/domain_store'
import { summarizeMetrics } from '#services/insights/metrics'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { insertRepository } from '#tests/helpers/insights'

/**
 * Time to restore (#28 item 6): a restore reported before the failed
 * deployment finished is refused as written: clamped to the finish (or
 * the start when no finish is known), the reason kept and logged, so no
 * duration is negative. Open incidents with their age:
 * data_definitions.spec.ts.
 */
async function store() {
  const { id } = await createOrganization()
  const repositoryId = await insertRepository(id, 'api')
  const repository = await db.from('repositories').where('id', repositoryId).firstOrFail()
  return {
    organizationId: id,
    repositoryExternalId: repository.external_id as string,
    store: new FencedDomainStore({ organizationId: id, provider: 'github', connectionId: null }),
  }
}

async function deployment(organizationId: number, externalId: string) {
  return db
    .from('deployments')
    .where({ organization_id: organizationId, external_id: externalId })
    .firstOrFail()
}

function text(value: unknown) {
  return value instanceof Date
    ? value.toISOString()
    : new Date(`${String(value).replace(' ', 'T')}Z`).toISOString()
}

test.group('Insights / time to restore', (group) => {
  group.each.setup(resetDatabase)

  test('a restore before the deployment finished is clamped to its finish, with the reason', async ({
    assert,
  }) => {
    const { organizationId, repositoryExternalId, store: domain } = await store()
    await domain.upsertDeployments([
      {
        externalId: 'failed-1',
        repositoryExternalId,
        environment: 'production',
        status: 'success',
        causedFailure: true,
        startedAt: '2026-03-02T10:00:00.000Z',
        finishedAt: '2026-03-02T10:30:00.000Z',
        // 15 minutes before the deployment finished: −0.25 h from the finish
        restoredAt: '2026-03-02T10:15:00.000Z',
      },
    ])
    const row = await deployment(organizationId, 'failed-1')
    assert.equal(text(row.restored_at), '2026-03-02T10:30:00.000Z')
    assert.include(row.restore_note, 'before the deployment finished')
    await new RollUpMetrics().execute({ organizationId })
    const summary = await summarizeMetrics({ organizationId, from: '2026-03-02', to: '2026-03-02' })
    // measured from the start (10:00) to the clamped restore (10:30): 0.5 h, never negative
    assert.equal(summary.timeToRestoreHours, 0.5)
  })

  test('without a finish, a restore before the start is clamped to the start', async ({
    assert,
  }) => {
    const { organizationId, repositoryExternalId, store: domain } = await store()
    await domain.upsertDeployments([
      {
        externalId: 'failed-2',
        repositoryExternalId,
        environment: 'production',
        status: 'success',
        causedFailure: true,
        startedAt: '2026-03-02T10:00:00.000Z',
        restoredAt: '2026-03-02T09:00:00.000Z',
      },
    ])
    const row = await deployment(organizationId, 'failed-2')
    assert.equal(text(row.restored_at), '2026-03-02T10:00:00.000Z')
    assert.include(row.restore_note, 'before the deployment started')
  })

  test('a restore after the finish is kept as reported, without a note', async ({ assert }) => {
    const { organizationId, repositoryExternalId, store: domain } = await store()
    await domain.upsertDeployments([
      {
        externalId: 'failed-3',
        repositoryExternalId,
        environment: 'production',
        status: 'success',
        causedFailure: true,
        startedAt: '2026-03-02T10:00:00.000Z',
        finishedAt: '2026-03-02T10:30:00.000Z',
        restoredAt: '2026-03-02T13:00:00.000Z',
      },
    ])
    const row = await deployment(organizationId, 'failed-3')
    assert.equal(text(row.restored_at), '2026-03-02T13:00:00.000Z')
    assert.isNull(row.restore_note)
    await new RollUpMetrics().execute({ organizationId })
    const summary = await summarizeMetrics({ organizationId, from: '2026-03-02', to: '2026-03-02' })
    // 10:00 → 13:00
    assert.equal(summary.timeToRestoreHours, 3)
  })
})

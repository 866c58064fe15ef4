import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { cachedInsight } from '#services/insights/cache'
import { summarizeMetrics } from '#services/insights/metrics'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'
import {
  seedRepositories,
  startFakeProvider,
  type FakeProvider,
} from '#tests/helpers/fake_provider'

/**
 * A sync run that wrote rows rebuilds the organisation's rollup and drops
 * its cached fragments, so the pages show the new data at once. The
 * fixture plugin writes items as issues opened on 2026-01-01.
 */
test.group('Insights data / refresh after a sync', (group) => {
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

  test('the rollup holds what the sync wrote', async ({ assert }) => {
    const organization = await createOrganization()
    const connection = await createConnection(organization)
    await new RunSync().execute({ connection, trigger: 'cli' })

    const scope = { organizationId: organization.id, from: '2026-01-01', to: '2026-01-01' }
    assert.equal((await summarizeMetrics(scope)).issuesOpened, 6)
    const rows = await db.from('insight_daily_metrics').where('organization_id', organization.id)
    assert.lengthOf(rows, 2)
  })

  test('cached fragments of the organisation are dropped', async ({ assert }) => {
    const organization = await createOrganization()
    const connection = await createConnection(organization)
    let computed = 0
    const fragment = () =>
      cachedInsight(organization.id, 'test-fragment', { days: 30 }, async () => ++computed)

    assert.equal(await fragment(), 1)
    assert.equal(await fragment(), 1)
    await new RunSync().execute({ connection, trigger: 'cli' })
    assert.equal(await fragment(), 2)
  })
})

import { test } from '@japa/runner'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { FencedDomainStore } from '#services/domain/domain_store'
import { summarizeMetrics } from '#services/insights/metrics'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'

/**
 * An incident that names no change fails the last production deployment
 * started at most 24 hours (INCIDENT_FAILURE_WINDOW_HOURS) before it was
 * opened. The rollup reads only the incidents of that window
 * (rollup_sql.ts `followedByIncident`, an index range bounded on both
 * sides): its edges, to the second, are the definition's.
 */
const DEPLOYED = new Date(Date.UTC(2026, 10, 10, 9, 0, 0))
const WINDOW_MS = 24 * 3_600_000

async function deploymentThenIncident(openedAfterMs: number) {
  const organization = await createOrganization()
  const store = (provider: string) =>
    new FencedDomainStore(
      { organizationId: organization.id, provider, connectionId: null },
      () => {}
    )
  const github = store('github')
  await github.upsertRepositories([{ externalId: '1', name: 'api', fullName: 'acme/api' }])
  await github.upsertDeployments([
    {
      externalId: 'd1',
      repositoryExternalId: '1',
      kind: 'deployment',
      environment: 'production',
      status: 'success',
      startedAt: DEPLOYED,
      finishedAt: new Date(DEPLOYED.getTime() + 600_000),
    },
  ])
  const openedAt = new Date(DEPLOYED.getTime() + openedAfterMs)
  await store('jira').upsertIssues([
    {
      externalId: 'OPS-1',
      key: 'OPS-1',
      projectKey: 'OPS',
      title: 'Outage',
      type: 'incident',
      status: 'Done',
      statusCategory: 'done',
      openedAt,
      resolvedAt: new Date(openedAt.getTime() + 3_600_000),
    },
  ])
  await new RollUpMetrics().execute({ organizationId: organization.id })
  const summary = await summarizeMetrics({
    organizationId: organization.id,
    from: '2026-11-01',
    to: '2026-11-30',
  })
  return { deployments: summary.deployments, failed: summary.failedDeployments }
}

test.group('Insights / the incident window of a failed change', (group) => {
  group.each.setup(resetDatabase())

  test('an incident opened exactly 24 hours after a deployment fails it', async ({ assert }) => {
    assert.deepEqual(await deploymentThenIncident(WINDOW_MS), { deployments: 1, failed: 1 })
  })

  test('an incident opened a second later fails no deployment', async ({ assert }) => {
    assert.deepEqual(await deploymentThenIncident(WINDOW_MS + 1000), { deployments: 1, failed: 0 })
  })

  test('an incident opened when the deployment starts fails it', async ({ assert }) => {
    assert.deepEqual(await deploymentThenIncident(0), { deployments: 1, failed: 1 })
  })
})

import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { FencedDomainStore } from '#services/domain/domain_store'
import { summarizeMetrics } from '#services/insights/metrics'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import type { DeploymentInput, IssueInput, PullRequestInput } from '#plugin-sdk'

/**
 * An incident linked to a change (its key in a pull request's title or
 * branch, or in a commit's message) fails the production deployment that
 * shipped that change, however long after it the incident was opened;
 * only that deployment, not the last one before the incident. Incidents
 * that name no change keep the window rule (24 hours by default).
 */
const NOVEMBER = { from: '2026-11-01', to: '2026-11-30' }
const at = (day: number, hour: number) => new Date(Date.UTC(2026, 10, day, hour))
const HOUR = 3_600_000

async function organisationWithRepository() {
  const organization = await createOrganization()
  const github = new FencedDomainStore(
    { organizationId: organization.id, provider: 'github', connectionId: null },
    () => {}
  )
  const jira = new FencedDomainStore(
    { organizationId: organization.id, provider: 'jira', connectionId: null },
    () => {}
  )
  await github.upsertRepositories([{ externalId: '1', name: 'api', fullName: 'acme/api' }])
  return { organization, github, jira }
}

function pull(number: number, title: string, mergedAt: Date | null): PullRequestInput {
  return {
    externalId: `pr-${number}`,
    repositoryExternalId: '1',
    number,
    title,
    state: mergedAt ? 'merged' : 'open',
    authorLogin: 'ada',
    headRef: `feature/${number}`,
    openedAt: new Date((mergedAt ?? at(1, 9)).getTime() - 5 * HOUR),
    mergedAt,
  }
}

function deployment(id: string, startedAt: Date, sha: string | null = null): DeploymentInput {
  return {
    externalId: id,
    repositoryExternalId: '1',
    kind: 'deployment',
    environment: 'production',
    status: 'success',
    sha,
    startedAt,
    finishedAt: new Date(startedAt.getTime() + 600_000),
  }
}

function incident(key: string, openedAt: Date): IssueInput {
  return {
    externalId: key,
    key,
    projectKey: key.split('-')[0],
    title: `Outage ${key}`,
    type: 'incident',
    status: 'Done',
    statusCategory: 'done',
    openedAt,
    resolvedAt: new Date(openedAt.getTime() + 3 * HOUR),
  }
}

async function failedDeploymentIds(organizationId: number) {
  const rows = await db
    .from('deployment_incidents')
    .join('deployments', 'deployments.id', 'deployment_incidents.deployment_id')
    .where('deployment_incidents.organization_id', organizationId)
    .select('deployments.external_id')
  return rows.map((row) => row.external_id).sort()
}

const summary = (organizationId: number) => summarizeMetrics({ organizationId, ...NOVEMBER })

test.group('Insights | incidents linked to the change that caused them', (group) => {
  group.each.setup(resetDatabase())

  test('an incident linked to a pull request 3 days after its deployment fails that deployment, not the last one before it', async ({
    assert,
  }) => {
    const { organization, github, jira } = await organisationWithRepository()
    await github.upsertPullRequests([pull(1, 'OPS-7 cache the rates', at(10, 8))])
    await github.upsertDeployments([deployment('d1', at(10, 9)), deployment('d2', at(13, 8))])
    await new RollUpMetrics().execute({ organizationId: organization.id })
    assert.equal((await summary(organization.id)).failedDeployments, 0)

    // three days after d1, an hour after d2: the window alone would blame d2
    await jira.upsertIssues([incident('OPS-7', at(13, 9))])
    // only the incident's day is rolled up again; d1's day is counted again too
    await new RollUpMetrics().execute({
      organizationId: organization.id,
      from: '2026-11-13',
      to: '2026-11-13',
    })

    const after = await summary(organization.id)
    assert.equal(after.deployments, 2)
    assert.equal(after.failedDeployments, 1)
    assert.equal(after.changeFailureRate, 50)
    assert.deepEqual(await failedDeploymentIds(organization.id), ['d1'])
    const days = await db
      .from('insight_daily_metrics')
      .where('organization_id', organization.id)
      .where('failed_deployments', '>', 0)
      .select('day')
    assert.deepEqual(
      days.map((row) =>
        String(row.day instanceof Date ? row.day.toISOString() : row.day).slice(0, 10)
      ),
      ['2026-11-10']
    )
  })

  test("an incident reclassified as a task fails its deployment no more, on that deployment's day too", async ({
    assert,
  }) => {
    const { organization, github, jira } = await organisationWithRepository()
    await github.upsertPullRequests([pull(1, 'OPS-7 cache the rates', at(10, 8))])
    await github.upsertDeployments([deployment('d1', at(10, 9))])
    await jira.upsertIssues([incident('OPS-7', at(13, 9))])
    await new RollUpMetrics().execute({ organizationId: organization.id })
    assert.equal((await summary(organization.id)).failedDeployments, 1)

    await jira.upsertIssues([{ ...incident('OPS-7', at(13, 9)), type: 'task' }])
    await new RollUpMetrics().execute({
      organizationId: organization.id,
      from: '2026-11-13',
      to: '2026-11-13',
    })

    assert.deepEqual(await failedDeploymentIds(organization.id), [])
    assert.equal((await summary(organization.id)).failedDeployments, 0)
  })

  test('an incident linked through a commit fails the deployment whose ancestry first contains it', async ({
    assert,
  }) => {
    const { organization, github, jira } = await organisationWithRepository()
    await github.upsertCommits([
      {
        repositoryExternalId: '1',
        sha: 'a1',
        message: 'start',
        committedAt: at(9, 8),
        parentShas: [],
      },
      {
        repositoryExternalId: '1',
        sha: 'b2',
        message: 'OPS-8 retry payments',
        committedAt: at(9, 9),
        parentShas: ['a1'],
      },
      {
        repositoryExternalId: '1',
        sha: 'c3',
        message: 'tidy',
        committedAt: at(9, 10),
        parentShas: ['b2'],
      },
      {
        repositoryExternalId: '1',
        sha: 'd4',
        message: 'later',
        committedAt: at(12, 10),
        parentShas: ['c3'],
      },
    ])
    // d1 shipped a1 only; d2 (from c3) shipped b2 and c3; d3 shipped d4
    await github.upsertDeployments([
      deployment('d1', at(9, 8), 'a1'),
      deployment('d2', at(10, 9), 'c3'),
      deployment('d3', at(12, 11), 'd4'),
    ])
    await jira.upsertIssues([incident('OPS-8', at(14, 9))])
    await new RollUpMetrics().execute({ organizationId: organization.id })

    assert.deepEqual(await failedDeploymentIds(organization.id), ['d2'])
    assert.equal((await summary(organization.id)).failedDeployments, 1)
  })

  test('an incident outside the window that names no change fails no deployment', async ({
    assert,
  }) => {
    const { organization, github, jira } = await organisationWithRepository()
    await github.upsertPullRequests([pull(1, 'Cache the rates', at(10, 8))])
    await github.upsertDeployments([deployment('d1', at(10, 9))])
    await jira.upsertIssues([incident('OPS-7', at(13, 9))])
    await new RollUpMetrics().execute({ organizationId: organization.id })

    const after = await summary(organization.id)
    assert.equal(after.deployments, 1)
    assert.equal(after.failedDeployments, 0)
    assert.deepEqual(await failedDeploymentIds(organization.id), [])
  })

  test('an incident linked to a pull request no deployment shipped fails no deployment', async ({
    assert,
  }) => {
    const { organization, github, jira } = await organisationWithRepository()
    await github.upsertPullRequests([
      // merged after the last deployment, and one never merged
      pull(1, 'OPS-7 cache the rates', at(12, 8)),
      pull(2, 'OPS-7 try another cache', null),
    ])
    await github.upsertDeployments([deployment('d1', at(10, 9))])
    await jira.upsertIssues([incident('OPS-7', at(13, 9))])
    await new RollUpMetrics().execute({ organizationId: organization.id })

    assert.equal(await linkCount(organization.id), 2)
    assert.equal((await summary(organization.id)).failedDeployments, 0)
    assert.deepEqual(await failedDeploymentIds(organization.id), [])
  })

  test('the change an incident names that shipped after it was opened is its fix, not its cause', async ({
    assert,
  }) => {
    const { organization, github, jira } = await organisationWithRepository()
    await github.upsertPullRequests([pull(1, 'OPS-7 roll back the cache', at(13, 12))])
    await github.upsertDeployments([deployment('d1', at(10, 9)), deployment('fix', at(13, 13))])
    await jira.upsertIssues([incident('OPS-7', at(13, 9))])
    await new RollUpMetrics().execute({ organizationId: organization.id })

    assert.equal(await linkCount(organization.id), 1)
    assert.deepEqual(await failedDeploymentIds(organization.id), [])
    assert.equal((await summary(organization.id)).failedDeployments, 0)
  })

  test("one organisation's linked incidents fail none of another's deployments", async ({
    assert,
  }) => {
    const acme = await organisationWithRepository()
    const globex = await organisationWithRepository()
    for (const { github, jira } of [acme, globex]) {
      await github.upsertDeployments([deployment('d1', at(10, 9))])
      await jira.upsertIssues([incident('OPS-7', at(13, 9))])
    }
    // only Acme's pull request names the incident
    await acme.github.upsertPullRequests([pull(1, 'OPS-7 cache the rates', at(10, 8))])
    await globex.github.upsertPullRequests([pull(1, 'Cache the rates', at(10, 8))])
    await new RollUpMetrics().execute({ organizationId: acme.organization.id })
    await new RollUpMetrics().execute({ organizationId: globex.organization.id })

    assert.equal((await summary(acme.organization.id)).failedDeployments, 1)
    assert.equal((await summary(globex.organization.id)).failedDeployments, 0)
    assert.deepEqual(await failedDeploymentIds(globex.organization.id), [])
    const acmeDeployment = await db
      .from('deployments')
      .where('organization_id', acme.organization.id)
      .firstOrFail()
    const rows = await db.from('deployment_incidents').select('organization_id', 'deployment_id')
    assert.deepEqual(
      rows.map((row) => [Number(row.organization_id), Number(row.deployment_id)]),
      [[acme.organization.id, Number(acmeDeployment.id)]]
    )
  })
})

async function linkCount(organizationId: number) {
  const [{ total }] = await db
    .from('issue_pull_requests')
    .where('organization_id', organizationId)
    .count('* as total')
  return Number(total)
}

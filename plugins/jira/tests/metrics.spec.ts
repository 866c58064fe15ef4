import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { FencedDomainStore } from '#services/domain/domain_store'
import { summarizeMetrics } from '#services/insights/metrics'
import RefreshInsightsAfterSync from '#actions/insights/refresh_insights_after_sync'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import type { FakeJira } from './fake_jira/server.js'
import { addIssue, PEOPLE } from './fake_jira/seed.js'
import { connectSite, startJira } from './testbed.js'

/**
 * What Jira feeds once synced: bug rate from the issue types, time to
 * restore from incidents (opened → resolved), and the assignees as
 * people, one with their GitHub account when both verified the email.
 */
const NOVEMBER = { from: '2026-11-01', to: '2026-11-30' }
const at = (day: number, hour: number) => new Date(Date.UTC(2026, 10, day, hour))

test.group('Jira | what it feeds', (group) => {
  let jira: FakeJira
  group.setup(async () => {
    jira = await startJira()
    return () => jira.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => jira.reset())

  test('bug rate and time to restore are empty before a sync and computed after it', async ({
    assert,
  }) => {
    const site = jira.site('c1')
    addIssue(site, {
      projectKey: 'ENG',
      type: 'Bug',
      created: at(3, 9),
      startedAfter: 1,
      doneAfter: 4,
    })
    addIssue(site, { projectKey: 'ENG', type: 'Bug', created: at(4, 9) })
    addIssue(site, { projectKey: 'ENG', type: 'Story', created: at(5, 9), startedAfter: 2 })
    // an incident opened on the 10th at 11:00, resolved three hours later
    addIssue(site, {
      projectKey: 'OPS',
      type: 'Incident',
      created: at(10, 11),
      startedAfter: 0.5,
      doneAfter: 3,
    })
    // still open: no restore yet
    addIssue(site, { projectKey: 'OPS', type: 'Incident', created: at(12, 8) })
    const organization = await createOrganization()
    const scope = { organizationId: organization.id, ...NOVEMBER }

    const before = await summarizeMetrics(scope)
    assert.isNull(before.bugRate)
    assert.isNull(before.timeToRestoreHours)

    const connection = await connectSite(organization, jira, 'c1')
    await new RunSync().execute({ connection, trigger: 'cli' })
    const after = await summarizeMetrics(scope)
    assert.equal(after.issuesOpened, 5)
    assert.equal(after.bugsOpened, 2)
    assert.equal(after.bugRate, 40)
    assert.equal(after.timeToRestoreHours, 3)
    assert.equal(after.percentiles.restore.median, 3)
  })

  test('an incident opened 2 hours after a deployment and resolved 3 hours later is a failed change with a 3-hour restore', async ({
    assert,
  }) => {
    const site = jira.site('c1')
    addIssue(site, {
      projectKey: 'OPS',
      type: 'Incident',
      created: at(10, 11),
      startedAfter: 0.5,
      doneAfter: 3,
    })
    // 30 hours after the second deployment: past the 24-hour window
    addIssue(site, { projectKey: 'OPS', type: 'Incident', created: at(21, 15) })
    addIssue(site, { projectKey: 'ENG', type: 'Story', created: at(10, 12) })
    const organization = await createOrganization()
    const github = new FencedDomainStore({
      organizationId: organization.id,
      provider: 'github',
      connectionId: null,
    })
    await github.upsertRepositories([{ externalId: '1', name: 'api', fullName: 'acme/api' }])
    const deployment = (id: string, startedAt: Date) => ({
      externalId: id,
      repositoryExternalId: '1',
      kind: 'deployment' as const,
      environment: 'production',
      status: 'success' as const,
      startedAt,
      finishedAt: new Date(startedAt.getTime() + 600_000),
    })
    await github.upsertDeployments([
      deployment('d1', at(10, 9)),
      deployment('d2', at(20, 9)),
      // staging is not a change to production
      { ...deployment('d3', at(10, 10)), environment: 'staging' },
    ])
    const scope = { organizationId: organization.id, ...NOVEMBER }
    await new RefreshInsightsAfterSync().execute({
      organizationId: organization.id,
      writtenFrom: '2026-11-01',
    })
    const before = await summarizeMetrics(scope)
    assert.equal(before.deployments, 2)
    assert.equal(before.failedDeployments, 0)

    const connection = await connectSite(organization, jira, 'c1')
    await new RunSync().execute({ connection, trigger: 'cli' })
    const after = await summarizeMetrics(scope)
    assert.equal(after.deployments, 2)
    assert.equal(after.failedDeployments, 1)
    assert.equal(after.changeFailureRate, 50)
    assert.equal(after.timeToRestoreHours, 3)
  })

  test('a Jira incident synced 3 days after a deployment fails it when a pull request that deployment shipped names the incident', async ({
    assert,
  }) => {
    const site = jira.site('c1')
    const synced = addIssue(site, {
      projectKey: 'OPS',
      type: 'Incident',
      created: at(13, 9),
      startedAfter: 0.5,
      doneAfter: 3,
    })
    const organization = await createOrganization()
    const github = new FencedDomainStore(
      { organizationId: organization.id, provider: 'github', connectionId: null },
      () => {}
    )
    await github.upsertRepositories([{ externalId: '1', name: 'api', fullName: 'acme/api' }])
    await github.upsertPullRequests([
      {
        externalId: 'pr-1',
        repositoryExternalId: '1',
        number: 1,
        title: `${synced.key} cache the exchange rates`,
        state: 'merged',
        openedAt: at(9, 9),
        mergedAt: at(10, 8),
      },
    ])
    const deployment = (id: string, startedAt: Date) => ({
      externalId: id,
      repositoryExternalId: '1',
      kind: 'deployment' as const,
      environment: 'production',
      status: 'success' as const,
      startedAt,
    })
    // d1 shipped the pull request; d2 ran an hour before the incident
    await github.upsertDeployments([deployment('d1', at(10, 9)), deployment('d2', at(13, 8))])

    const connection = await connectSite(organization, jira, 'c1')
    await new RunSync().execute({ connection, trigger: 'cli' })
    const after = await summarizeMetrics({ organizationId: organization.id, ...NOVEMBER })
    assert.equal(after.deployments, 2)
    assert.equal(after.failedDeployments, 1)
    assert.equal(after.timeToRestoreHours, 3)
    const failed = await db
      .from('deployment_incidents')
      .join('deployments', 'deployments.id', 'deployment_incidents.deployment_id')
      .where('deployment_incidents.organization_id', organization.id)
      .select('deployments.external_id')
    assert.deepEqual(
      failed.map((row) => row.external_id),
      ['d1']
    )
  })

  test('a Jira assignee and a GitHub account with the same verified email are one person', async ({
    assert,
  }) => {
    addIssue(jira.site('c1'), { projectKey: 'ENG', assignee: PEOPLE[0] })
    const organization = await createOrganization()
    const github = new FencedDomainStore(
      { organizationId: organization.id, provider: 'github', connectionId: null },
      () => {}
    )
    await github.upsertContributors([
      { externalId: '7', login: 'octo-ada', email: PEOPLE[0].emailAddress, emailVerified: true },
    ])
    const connection = await connectSite(organization, jira, 'c1')
    await new RunSync().execute({ connection, trigger: 'cli' })

    const identities = await db
      .from('contributors')
      .where('organization_id', organization.id)
      .whereIn('login', ['octo-ada', PEOPLE[0].accountId])
      .select('provider', 'person_id')
    assert.lengthOf(identities, 2)
    assert.isNotNull(identities[0].person_id)
    assert.equal(identities[0].person_id, identities[1].person_id)
    const issue = await db.from('issues').where('organization_id', organization.id).first()
    assert.equal(issue.assignee_login, PEOPLE[0].accountId)
  })
})
